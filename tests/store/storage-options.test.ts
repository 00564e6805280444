import { describe, expect, it } from 'vitest';
import { STORAGE_OPTIONS_ENV, childEnv, displayUri, parseStorageOptions, redactSecrets, storageOptionsFromEnv } from '../../store/storage-options.ts';

describe('parseStorageOptions', () => {
  it('reads repeated KEY=VALUE flags with lower-case keys, keeping any = inside the value', () => {
    expect(parseStorageOptions(['AWS_Endpoint=http://127.0.0.1:9000', 'azure_storage_sas_token=sv=1&sig=a=b'])).toEqual({
      aws_endpoint: 'http://127.0.0.1:9000',
      azure_storage_sas_token: 'sv=1&sig=a=b',
    });
    expect(parseStorageOptions([])).toEqual({});
  });

  it('names a malformed flag by position or key, never by its text', () => {
    const message = (flags: string[]) => {
      try {
        parseStorageOptions(flags);
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(message(['allow_http=true', 'hunter2'])).toMatch(/^Invalid --storage-option number 2 \(its key is missing/);
    expect(message(['hunter2'])).not.toContain('hunter2');
    expect(message(['=hunter2'])).toMatch(/number 1/);
    expect(message(['bad key=x'])).toMatch(/number 1/);
    expect(message(['aws_secret_access_key='])).toMatch(/^Invalid --storage-option 'aws_secret_access_key' \(its value is empty/);
    expect(message(['aws_region=a\nb'])).toMatch(/'aws_region' \(its value is empty or spans lines\)/);
    expect(message(['aws_region=a', 'AWS_REGION=b'])).toMatch(/'AWS_REGION' \(given twice\)/);
  });
});

describe('storage options handed to child processes', () => {
  it('round-trips explicit options through the environment and leaves it alone without any', () => {
    const env = childEnv({ uri: 's3://b/p', storageOptions: { aws_region: 'eu-west-1' } }, { PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin', [STORAGE_OPTIONS_ENV]: '{"aws_region":"eu-west-1"}' });
    expect(storageOptionsFromEnv(env)).toEqual({ aws_region: 'eu-west-1' });
    expect(childEnv({ uri: 'db' }, { PATH: '/bin' })).toEqual({ PATH: '/bin' });
    expect(storageOptionsFromEnv({})).toEqual({});
  });

  it('refuses a variable that is not an object of strings', () => {
    for (const text of ['[1]', '{"a":1}', 'nope', '{"bad key":"x"}']) {
      expect(() => storageOptionsFromEnv({ [STORAGE_OPTIONS_ENV]: text })).toThrow(/must be a JSON object of string values/);
    }
  });
});

describe('printing a store location', () => {
  it('keeps paths and plain URIs, drops a user and password, masks secret query values', () => {
    expect(displayUri('.transferscope/db')).toBe('.transferscope/db');
    expect(displayUri('s3://bucket/prefix?engine=ddb&ddbTableName=commits')).toBe('s3://bucket/prefix?engine=ddb&ddbTableName=commits');
    expect(displayUri('s3://AKIA:hunter2@bucket/prefix')).toBe('s3://bucket/prefix');
    expect(displayUri('az://container/db?sig=abc&sv=2020')).toBe('az://container/db?sig=***&sv=2020');
  });

  it('masks the values of secret-looking options in a message, and only those', () => {
    const options = { aws_secret_access_key: 'hunter2', aws_session_token: 'tok', aws_region: 'us-east-1' };
    expect(redactSecrets('denied for hunter2 with tok in us-east-1', options)).toBe('denied for *** with *** in us-east-1');
  });
});
