// Redis for a deployment past one machine: connections (checked once, with one clear line when unreachable),
// the once-only claim of an analysis event, and a lock that makes "check stored, compute, write" exactly-once.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { AnalysisEvent } from '../core/protocol.ts';
import { TransferscopeError } from '../core/errors.ts';

/** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS) as given to --redis; never echoed back, it may hold a password. */
export function parseRedisUrl(value: string, flag = '--redis'): string {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new TransferscopeError('INVALID_ARGUMENT', `${flag} takes a Redis URL such as redis://127.0.0.1:6379 (or rediss:// for TLS).`);
  }
  return value;
}

/** Host and port of a Redis URL, for messages: no user or password. */
export const redisDisplay = (url: string): string => {
  const { protocol, hostname, port } = new URL(url);
  return `${protocol}//${hostname}:${port || '6379'}`;
};

/**
 * A connection as BullMQ and the socket.io adapter want it: commands wait through a reconnect instead of
 * failing (`maxRetriesPerRequest: null`), so a Redis restart delays jobs and events but loses none.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: 'transferscope' });
}

/** Resolves once Redis at `url` answers a PING; otherwise one REDIS_UNAVAILABLE line (no password), after ~5 s. */
export async function assertRedisReachable(url: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
  probe.on('error', () => {}); // the rejection below reports it
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const cause = ((err as Error).message.split('\n')[0] ?? '').replace(url, redisDisplay(url));
    throw new TransferscopeError('REDIS_UNAVAILABLE', `Cannot reach Redis at ${redisDisplay(url)} (${cause}). Start it, or fix --redis.`);
  } finally {
    probe.disconnect();
  }
}

/** How long an event's claim is kept: long past any retry of the job that produced it. */
const EVENT_CLAIM_SECONDS = 24 * 3600;

/**
 * True for exactly one caller per distinct event: several monitors and workers may notice the same progress
 * (two workers finishing a checkpoint's last kinds at once both see it done), and a client must get it once.
 */
export async function claimEvent(redis: Redis, event: AnalysisEvent): Promise<boolean> {
  // A refinement's events are other events than the live estimate's with the same status and message.
  const key = `transferscope:event:${event.runId}/${event.at.step}/${event.status}/${event.settings ?? ''}/${event.kind ?? ''}/${event.message ?? ''}`;
  return (await redis.set(key, '1', 'EX', EVENT_CLAIM_SECONDS, 'NX')) === 'OK';
}

// Extends or frees the lock only while this holder still owns it (a holder that stalled past the expiry may not).
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A lock's lifetime without renewal (10 s; TRANSFERSCOPE_JOB_LOCK_MS, 1,000 to 600,000, sets it): a SIGKILLed
 * holder frees it after this, and its job goes back on the queue about as soon. Renewal needs the holder's
 * event loop, which stays free since the tensor work runs in forked processes.
 */
export function analysisLockMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.TRANSFERSCOPE_JOB_LOCK_MS);
  return Number.isSafeInteger(value) && value >= 1000 && value <= 600_000 ? value : 10_000;
}

/**
 * Runs `work` while holding the lock `name` (SET NX PX, renewed every third of analysisLockMs()), after
 * waiting for any other holder. Around "is it stored? compute, store" this makes an analysis row exactly-once
 * across processes: Lance's merge-insert did not (three processes stored duplicates, docs/decisions.md).
 */
export async function withLock<T>(redis: Redis, name: string, work: () => Promise<T>): Promise<T> {
  const key = `transferscope:lock:${name}`;
  const token = randomUUID();
  const lockMs = analysisLockMs();
  while ((await redis.set(key, token, 'PX', lockMs, 'NX')) !== 'OK') {
    // Another worker computes it; once it is done, `work` finds the analysis stored and returns at once.
    await sleep(200);
  }
  const renewal = setInterval(() => {
    redis.eval(EXTEND, 1, key, token, lockMs).catch(() => {});
  }, lockMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await redis.eval(RELEASE, 1, key, token);
  }
}
