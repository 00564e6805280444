import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import { startMonitor } from '../../../monitor/server.ts';
import type { ApiError } from '../../../core/protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { decodePng } from '../../helpers/png-pixels.ts';
import { runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
let app: ReturnType<typeof createApp>;

// 3 x 2 images whose every byte says which instance, row, column and channel it is.
const W = 3;
const H = 2;
const pixel = (i: number, y: number, x: number, ch: number) => (i * 40 + y * 12 + x * 3 + ch) % 256;
const images = (count: number) =>
  Uint8Array.from({ length: count * H * W * 3 }, (_, e) => {
    const i = Math.floor(e / (H * W * 3));
    const r = e % (H * W * 3);
    return pixel(i, Math.floor(r / (W * 3)), Math.floor((r % (W * 3)) / 3), r % 3);
  });

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  app = createApp(store);
  await store.createRun(runMeta('run-i'));
  await store.putInstances('run-i', [
    { split: 'source-validation', labels: Int32Array.from([0, 1, 2, 0, 1]), height: H, width: W, pixels: images(5) },
    { split: 'target-validation', labels: Int32Array.from({ length: 40 }, (_, i) => i % 3), height: H, width: W, pixels: images(40) },
  ]);
});
afterAll(() => store.close());

const png = async (path: string) => {
  const res = await app.request(path);
  return { res, body: Buffer.from(await res.arrayBuffer()) };
};

describe('instance images', () => {
  it('serves one stored instance as an immutable PNG of its pixels', async () => {
    const { res, body } = await png('/api/runs/run-i/instances/source-validation/3.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    const image = await decodePng(body);
    expect([image.width, image.height]).toEqual([W, H]);
    expect(Array.from(image.rgb)).toEqual(Array.from(images(5).subarray(3 * H * W * 3, 4 * H * W * 3)));
  });

  it('serves every instance of a split in one 32-wide grid', async () => {
    const { res, body } = await png('/api/runs/run-i/instances/target-validation/atlas.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    const atlas = await decodePng(body);
    expect([atlas.width, atlas.height]).toEqual([32 * W, 2 * H]);
    // Instance 33 sits in row 1, column 1; its pixel (y 1, x 2) in channel 2.
    const at = ((1 * H + 1) * atlas.width + (1 * W + 2)) * 3 + 2;
    expect(atlas.rgb[at]).toBe(pixel(33, 1, 2, 2));
    // Cells past the last instance stay black.
    expect(atlas.rgb[(1 * H * atlas.width + 8 * W) * 3]).toBe(0);
  });

  it('encodes each image once: a repeat is the same bytes under the same ETag, and a held ETag gets 304', async () => {
    for (const path of ['/api/runs/run-i/instances/target-validation/7.png', '/api/runs/run-i/instances/source-validation/atlas.png']) {
      const first = await png(path);
      const etag = first.res.headers.get('etag');
      expect(etag, path).toMatch(/^".+"$/);
      const again = await png(path);
      expect(again.res.headers.get('etag'), path).toBe(etag);
      expect(again.body.equals(first.body), path).toBe(true);
      const held = await app.request(path, { headers: { 'if-none-match': etag! } });
      expect(held.status, path).toBe(304);
      expect((await held.arrayBuffer()).byteLength, path).toBe(0);
    }
    // Other instances are other images.
    const other = await png('/api/runs/run-i/instances/target-validation/8.png');
    const seven = await png('/api/runs/run-i/instances/target-validation/7.png');
    expect(other.res.headers.get('etag')).not.toBe(seven.res.headers.get('etag'));
    expect((await decodePng(other.body)).rgb[0]).toBe(pixel(8, 0, 0, 0));
  });

  it('answers bad requests with JSON 4xx errors', async () => {
    const cases: [string, number, string, RegExp][] = [
      ['/api/runs/run-i/instances/source-validation/5.png', 404, 'NOT_FOUND', /has 5 source-validation instances/],
      ['/api/runs/run-i/instances/source-validation/-1.png', 400, 'INVALID_ARGUMENT', /<index>\.png/],
      ['/api/runs/run-i/instances/source-validation/1.jpg', 400, 'INVALID_ARGUMENT', /Invalid instance file '1\.jpg'/],
      ['/api/runs/run-i/instances/source-train/1.png', 400, 'INVALID_ARGUMENT', /Unknown split 'source-train'/],
      ['/api/runs/nope/instances/source-validation/1.png', 404, 'RUN_NOT_FOUND', /nope/],
    ];
    for (const [path, status, code, message] of cases) {
      const res = await app.request(path);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as ApiError;
      expect(body.error.code, path).toBe(code);
      expect(body.error.message, path).toMatch(message);
    }
  });

  it('serves the PNG over a real port', async () => {
    const monitor = await startMonitor({ store, port: 0 });
    try {
      const res = await fetch(new URL('api/runs/run-i/instances/target-validation/39.png', monitor.url));
      expect(res.status).toBe(200);
      expect((await decodePng(Buffer.from(await res.arrayBuffer()))).rgb[0]).toBe(pixel(39, 0, 0, 0));
    } finally {
      await monitor.close();
    }
  });
});
