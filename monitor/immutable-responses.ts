// Responses that can never change once produced (a stored analysis, a committed epoch's table, an instance
// atlas), kept encoded: serialised once, gzipped once off the event loop (zlib runs in libuv's pool), and
// revalidated by ETag, so many dashboards asking for one checkpoint cost one serialisation, not one each.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Context } from 'hono';
import { makeSharedRequests } from '../core/shared-requests.ts';

const gzipAsync = promisify(gzip);

/** Bodies smaller than this are sent as they are: gzip would save less than its header and the CPU it costs. */
const GZIP_MIN_BYTES = 1024;
/**
 * Measured on a stored 0.8 MB network abstraction: level 4 took 25 ms for 222 KB, the default 6 took 82 ms for 209 KB.
 * A new checkpoint's first answer waits for this while every dashboard asks for it, so 6% more bytes buy 3x less wait.
 */
const GZIP_LEVEL = 4;

export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** For JSON whose URL always answers the same: the browser keeps it and revalidates by ETag (a 304 costs nothing). */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

export interface EncodedResponse {
  contentType: string;
  etag: string;
  identity: Uint8Array;
  /** Null when the body is small or does not compress (PNG). */
  gzip: Uint8Array | null;
}

export interface ImmutableResponses {
  /** The encoded response under `key`, produced (once, however many callers ask at a time) when missing. */
  get(key: string, produce: () => Promise<{ contentType: string; body: string | Uint8Array }>): Promise<EncodedResponse>;
  /** The encoded response under `key` when held, without producing it. */
  peek(key: string): EncodedResponse | undefined;
  /** Bytes held now. */
  size(): number;
}

/** An LRU of encoded responses holding at most `limitBytes` (identity plus gzip bytes). */
export function makeImmutableResponses(limitBytes = 256 * 2 ** 20): ImmutableResponses {
  const entries = new Map<string, EncodedResponse>();
  const shared = makeSharedRequests<EncodedResponse>();
  let bytes = 0;

  const weight = (e: EncodedResponse) => e.identity.byteLength + (e.gzip?.byteLength ?? 0);

  const remember = (key: string, entry: EncodedResponse): void => {
    if (weight(entry) > limitBytes) {
      return;
    }
    entries.set(key, entry);
    bytes += weight(entry);
    for (const [oldKey, old] of entries) {
      if (bytes <= limitBytes) {
        break;
      }
      entries.delete(oldKey);
      bytes -= weight(old);
    }
  };

  const peek = (key: string): EncodedResponse | undefined => {
    const hit = entries.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting marks it most recently used.
      entries.delete(key);
      entries.set(key, hit);
    }
    return hit;
  };

  return {
    get(key, produce) {
      const hit = peek(key);
      if (hit) {
        return Promise.resolve(hit);
      }
      return shared(key, async () => {
        const { contentType, body } = await produce();
        const identity = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        const compressible = !contentType.startsWith('image/png') && identity.byteLength >= GZIP_MIN_BYTES;
        const entry: EncodedResponse = {
          contentType,
          etag: `"${createHash('sha1').update(identity).digest('base64url')}"`,
          identity,
          gzip: compressible ? new Uint8Array(await gzipAsync(identity, { level: GZIP_LEVEL })) : null,
        };
        remember(key, entry);
        return entry;
      });
    },
    peek,
    size: () => bytes,
  };
}

/** Sends `entry`: 304 when the client holds it (If-None-Match), gzip when the client accepts it. */
export function sendEncoded(c: Context, entry: EncodedResponse, cacheControl = IMMUTABLE_CACHE_CONTROL): Response {
  const headers: Record<string, string> = { etag: entry.etag, 'cache-control': cacheControl, vary: 'accept-encoding' };
  const held = c.req.header('if-none-match');
  if (held !== undefined && held.split(',').some((tag) => tag.trim() === entry.etag)) {
    return c.body(null, 304, headers);
  }
  headers['content-type'] = entry.contentType;
  if (entry.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
    headers['content-encoding'] = 'gzip';
    return c.body(new Uint8Array(entry.gzip), 200, headers);
  }
  return c.body(new Uint8Array(entry.identity), 200, headers);
}
