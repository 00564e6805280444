import { describe, expect, test } from 'vitest';
import { ApiRequestError, fetchJson, takeAccessToken } from '../../../dashboard/src/api.ts';

const answer =
  (status: number, body: string, statusText = ''): typeof fetch =>
  async () =>
    new Response(body, { status, statusText, headers: { 'content-type': 'application/json' } });

describe('fetchJson', () => {
  test('resolves with the parsed body', async () => {
    await expect(fetchJson('/api/runs', undefined, answer(200, '[{"id":"r1"}]'))).resolves.toEqual([{ id: 'r1' }]);
  });

  test('rejects with the server’s own error message and code', async () => {
    const body = JSON.stringify({ error: { code: 'RUN_NOT_FOUND', message: "No run 'x' in the store." } });
    const err = await fetchJson('/api/runs/x', undefined, answer(404, body)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({ code: 'RUN_NOT_FOUND', status: 404, message: "No run 'x' in the store." });
  });

  test('an error without a JSON body names the path and status', async () => {
    const err = await fetchJson('/api/runs', undefined, answer(502, '<html>bad gateway</html>', 'Bad Gateway')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HTTP', status: 502, message: '/api/runs answered 502 Bad Gateway.' });
  });

  test('a network failure says the monitor could not be reached', async () => {
    const offline: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const err = await fetchJson('/api/runs', undefined, offline).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NETWORK', status: 0 });
    expect((err as Error).message).toContain('Could not reach the monitor for /api/runs (Failed to fetch)');
  });

  test('a 200 that is not JSON is an error, not undefined data', async () => {
    await expect(fetchJson('/api/runs', undefined, answer(200, 'not json'))).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('the access token', () => {
  const memoryStorage = () => {
    const items = new Map<string, string>();
    return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
  };

  test('moves ?token= from the address bar into session storage, keeping the rest of the URL', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    expect(takeAccessToken('http://127.0.0.1:4640/?run=r1&token=s3cret-token&epoch=2#x', storage, (url) => replaced.push(url))).toBe('s3cret-token');
    expect(replaced).toEqual(['/?run=r1&epoch=2#x']);
    // A reload of the tab no longer has it in the URL and still signs in.
    expect(takeAccessToken('http://127.0.0.1:4640/?run=r1&epoch=2', storage, (url) => replaced.push(url))).toBe('s3cret-token');
    expect(replaced).toHaveLength(1);
  });

  test('is null when the page was opened without one', () => {
    expect(
      takeAccessToken('http://127.0.0.1:4640/?run=r1', memoryStorage(), () => {
        throw new Error('the URL must stay as it is');
      }),
    ).toBeNull();
  });

  test('goes with every request as a bearer header', async () => {
    const seen: (string | null)[] = [];
    const recording: typeof fetch = async (_path, init) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return new Response('[]', { status: 200 });
    };
    await fetchJson('/api/runs', undefined, recording, 's3cret-token');
    await fetchJson('/api/runs', undefined, recording, null);
    expect(seen).toEqual(['Bearer s3cret-token', null]);
  });
});
