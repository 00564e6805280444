import { describe, expect, test } from 'vitest';
import { ApiRequestError, fetchJson } from '../../../dashboard/src/api.ts';

const answer = (status: number, body: string, statusText = ''): typeof fetch =>
  async () => new Response(body, { status, statusText, headers: { 'content-type': 'application/json' } });

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
