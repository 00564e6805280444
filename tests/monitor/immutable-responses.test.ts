import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { makeImmutableResponses, sendEncoded } from '../../monitor/immutable-responses.ts';

const bigJson = JSON.stringify({ values: Array.from({ length: 2000 }, (_, i) => i % 17) });

function appWith(produce: () => Promise<{ contentType: string; body: string | Uint8Array }>, limitBytes?: number) {
  const cache = makeImmutableResponses(limitBytes);
  let produced = 0;
  const app = new Hono();
  app.get('/r/:key', async (c) =>
    sendEncoded(
      c,
      await cache.get(c.req.param('key'), () => {
        produced++;
        return produce();
      }),
    ),
  );
  return { app, cache, produced: () => produced };
}

describe('immutable responses', () => {
  it('produces a body once for concurrent and later requests, and serves the same bytes', async () => {
    const { app, produced } = appWith(async () => ({ contentType: 'application/json', body: bigJson }));
    const answers = await Promise.all(Array.from({ length: 5 }, async () => app.request('/r/a')));
    const later = await app.request('/r/a');
    expect(produced()).toBe(1);
    for (const res of [...answers, later]) {
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(bigJson);
      expect(res.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('gzips a large JSON body for clients that accept it, and the bytes inflate to the body', async () => {
    const { app } = appWith(async () => ({ contentType: 'application/json', body: bigJson }));
    const res = await app.request('/r/a', { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.byteLength).toBeLessThan(Buffer.byteLength(bigJson));
    expect(gunzipSync(bytes).toString('utf8')).toBe(bigJson);
  });

  it('answers 304 without a body when If-None-Match holds the ETag, and 200 for another tag', async () => {
    const { app } = appWith(async () => ({ contentType: 'application/json', body: bigJson }));
    const etag = (await app.request('/r/a')).headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const revalidated = await app.request('/r/a', { headers: { 'if-none-match': `"other", ${etag}` } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect((await app.request('/r/a', { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('never gzips PNG bytes or small bodies', async () => {
    const png = new Uint8Array(4096).fill(7);
    const { app } = appWith(async () => ({ contentType: 'image/png', body: png }));
    const res = await app.request('/r/p', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
    const small = appWith(async () => ({ contentType: 'application/json', body: '{"a":1}' }));
    expect((await small.app.request('/r/s', { headers: { 'accept-encoding': 'gzip' } })).headers.get('content-encoding')).toBeNull();
  });

  it('evicts the least recently used entries past its byte limit and produces them again when asked', async () => {
    let n = 0;
    const { app, cache, produced } = appWith(async () => ({ contentType: 'text/plain', body: `${n++}`.padEnd(600, 'x') }), 1300);
    await app.request('/r/a');
    await app.request('/r/b');
    await app.request('/r/a'); // a is now the most recent
    await app.request('/r/c'); // evicts b
    expect(cache.size()).toBeLessThanOrEqual(1300);
    expect(produced()).toBe(3);
    await app.request('/r/a');
    expect(produced()).toBe(3);
    await app.request('/r/b');
    expect(produced()).toBe(4);
  });

  it('does not keep a failed production: the next request produces again', async () => {
    let calls = 0;
    const { app } = appWith(async () => {
      calls++;
      if (calls === 1) {
        throw new Error('store read failed');
      }
      return { contentType: 'application/json', body: bigJson };
    });
    app.onError((_, c) => c.text('failed', 500));
    expect((await app.request('/r/a')).status).toBe(500);
    expect((await app.request('/r/a')).status).toBe(200);
    expect(calls).toBe(2);
  });
});
