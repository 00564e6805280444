// REST requests to the monitor (same origin), turning failures into one readable line for the views, with the
// monitor's access token when it was started with --token.
import type { ApiError } from '../../core/protocol.ts';

const TOKEN_KEY = 'transferscope-token';

/**
 * Takes `?token=` out of the page URL into `storage` (so it survives reloads of this tab but leaves the address bar,
 * history and shared links) and answers the stored token, or null without one.
 */
export function takeAccessToken(href: string, storage: Pick<Storage, 'getItem' | 'setItem'>, replaceUrl: (url: string) => void): string | null {
  const url = new URL(href);
  const given = url.searchParams.get('token');
  if (given !== null) {
    url.searchParams.delete('token');
    replaceUrl(`${url.pathname}${url.search}${url.hash}`);
    if (given !== '') {
      storage.setItem(TOKEN_KEY, given);
    }
  }
  return storage.getItem(TOKEN_KEY);
}

// Read while the module loads, before the URL state rewrites the address bar.
const pageToken: string | null =
  typeof window === 'undefined'
    ? null
    : takeAccessToken(window.location.href, window.sessionStorage, (url) => window.history.replaceState(window.history.state, '', url));

/** The monitor's access token this page was opened with, or null. */
export function accessToken(): string | null {
  return pageToken;
}

/** A failed request. `message` is the server's own `error.message` when it sent one. */
export class ApiRequestError extends Error {
  readonly code: string;
  /** HTTP status, 0 when the monitor could not be reached. */
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.code = code;
    this.status = status;
  }
}

/** GETs a path's JSON; `signal` aborts the request (the view moved on), rejecting with its reason. */
export type FetchJson = (path: string, signal?: AbortSignal) => Promise<unknown>;

function isApiError(body: unknown): body is ApiError {
  if (typeof body !== 'object' || body === null || !('error' in body)) {
    return false;
  }
  const { error } = body;
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string';
}

/** The response index.html requested for `path` before the app loaded (without a token), taken at most once. */
function takeEarlyResponse(path: string): Promise<Response> | undefined {
  const early = (globalThis as { transferscopeEarly?: Record<string, Promise<Response> | undefined> }).transferscopeEarly;
  const response = early?.[path];
  if (early && response) {
    early[path] = undefined;
  }
  return response;
}

/**
 * GETs `path` and resolves with its parsed JSON body. Rejects with an ApiRequestError: on a network failure,
 * on a 4xx/5xx (carrying the server's `{ error: { code, message } }` when present), or on a body that isn't JSON;
 * with the signal's reason once `signal` aborts.
 */
export async function fetchJson(path: string, signal?: AbortSignal, fetchImpl: typeof fetch = fetch, token = accessToken()): Promise<unknown> {
  let response: Response;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) {
    headers.authorization = `Bearer ${token}`;
  }
  try {
    // The page's first requests for the run (no signal: they are never abandoned) may be out already.
    const early = fetchImpl === globalThis.fetch && token === null && signal === undefined ? takeEarlyResponse(path) : undefined;
    response = await (early ?? fetchImpl(path, { headers, signal }));
  } catch (err) {
    if (signal?.aborted) {
      throw signal.reason;
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new ApiRequestError('NETWORK', 0, `Could not reach the monitor for ${path} (${reason}). Is it still running?`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (signal?.aborted) {
    throw signal.reason;
  }
  if (!response.ok) {
    if (isApiError(body)) {
      throw new ApiRequestError(body.error.code, response.status, body.error.message);
    }
    throw new ApiRequestError('HTTP', response.status, `${path} answered ${response.status} ${response.statusText}`.trim() + '.');
  }
  if (body === undefined) {
    throw new ApiRequestError('BAD_RESPONSE', response.status, `${path} answered with a body that is not JSON.`);
  }
  return body;
}

/** The line a view shows for a failed request. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
