// Where a store lives: a LanceDB URI (a folder, s3://, gs://, az://) and the object-store options
// (credentials, endpoint, region) LanceDB takes besides the environment variables it reads itself.
import { TransferscopeError } from '../core/errors.ts';

/**
 * LanceDB's `storageOptions`: keys such as `aws_endpoint`, `aws_region`, `allow_http`,
 * `aws_access_key_id`, `dynamodb_endpoint` (case-insensitive, stored lower-case here), string values.
 */
export type StorageOptions = Readonly<Record<string, string>>;

export interface StoreLocation {
  uri: string;
  /** Explicit options; LanceDB fills the rest from AWS_*, GOOGLE_*, AZURE_* and ALLOW_HTTP variables. */
  storageOptions?: StorageOptions;
}

/**
 * How a transferscope process hands its explicit storage options to the processes it starts (the demo's
 * trainer, analysis and feature children): JSON in the environment, never on the command line, where
 * every user of the machine could read a secret key with `ps`.
 */
export const STORAGE_OPTIONS_ENV = 'TRANSFERSCOPE_STORAGE_OPTIONS';

const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
// Values under these keys (and any query parameter named like them) are never printed.
const SECRET_KEY = /secret|token|key|password|sas|sig|credential/i;

const storageOptionError = (what: string) =>
  new TransferscopeError(
    'INVALID_ARGUMENT',
    `Invalid --storage-option ${what}: use KEY=VALUE on one line, for example --storage-option aws_endpoint=http://127.0.0.1:9000.`,
  );

/**
 * Parses repeated `--storage-option KEY=VALUE` flags. A malformed one is reported by its position and,
 * when it has a usable key, its key: the text itself may be a pasted secret.
 */
export function parseStorageOptions(flags: readonly string[]): StorageOptions {
  const options: Record<string, string> = {};
  flags.forEach((text, i) => {
    const at = text.indexOf('=');
    const key = at > 0 ? text.slice(0, at) : '';
    const value = text.slice(at + 1);
    if (!KEY.test(key)) {
      throw storageOptionError(`number ${i + 1} (its key is missing or not letters, digits and underscores)`);
    }
    if (at < 0 || value === '' || /[\r\n]/.test(value)) {
      throw storageOptionError(`'${key}' (its value is empty or spans lines)`);
    }
    if (key.toLowerCase() in options) {
      throw storageOptionError(`'${key}' (given twice)`);
    }
    options[key.toLowerCase()] = value;
  });
  return options;
}

/** The options a parent transferscope process passed down in STORAGE_OPTIONS_ENV; none when it is unset. */
export function storageOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StorageOptions {
  const text = env[STORAGE_OPTIONS_ENV];
  if (text === undefined || text === '') {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.entries(parsed).some(([k, v]) => !KEY.test(k) || typeof v !== 'string')
  ) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `${STORAGE_OPTIONS_ENV} must be a JSON object of string values; unset it and pass --storage-option KEY=VALUE instead.`,
    );
  }
  return parsed as StorageOptions;
}

/** The environment for a child process that opens the same store: this one's, plus the explicit options. */
export function childEnv(location: StoreLocation, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const options = location.storageOptions ?? {};
  return Object.keys(options).length === 0 ? { ...env } : { ...env, [STORAGE_OPTIONS_ENV]: JSON.stringify(options) };
}

/** The URI as it may be printed: without a user or password, and with secret-looking query values masked. */
export function displayUri(uri: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    return uri;
  }
  const [base, query] = uri.split('?', 2) as [string, string | undefined];
  const withoutUser = base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  if (query === undefined) {
    return withoutUser;
  }
  const masked = query.split('&').map((pair) => {
    const [name = '', value] = pair.split('=', 2);
    return value !== undefined && SECRET_KEY.test(name) ? `${name}=***` : pair;
  });
  return `${withoutUser}?${masked.join('&')}`;
}

/** `text` with every value of a secret-looking option replaced by ***, for messages about a failed store. */
export function redactSecrets(text: string, options: StorageOptions = {}): string {
  let out = text;
  for (const [key, value] of Object.entries(options)) {
    if (SECRET_KEY.test(key) && value.length > 0) {
      out = out.replaceAll(value, '***');
    }
  }
  return out;
}
