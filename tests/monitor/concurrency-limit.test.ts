import { describe, expect, it } from 'vitest';
import { makeConcurrencyLimit, type Pausable } from '../../monitor/concurrency-limit.ts';

describe('makeConcurrencyLimit', () => {
  it('never runs more than max tasks at once, starts the rest in call order, and frees the slot of a failed task', async () => {
    const limit = makeConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number, fail = false) =>
      limit(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10 + (i % 3) * 5));
        running--;
        if (fail) {
          throw new Error(`task ${i} failed`);
        }
        return i;
      });
    const results = await Promise.allSettled([task(0), task(1, true), task(2), task(3), task(4), task(5)]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // The limit is free again afterwards.
    expect(await task(6)).toBe(6);
  });

  it('drops a waiting task whose signal aborts, and hands its place to the next one', async () => {
    const limit = makeConcurrencyLimit(1);
    const started: string[] = [];
    let release!: () => void;
    const first = limit(
      () =>
        new Promise<void>((r) => {
          started.push('first');
          release = r;
        }),
    );
    const abandoned = new AbortController();
    const second = limit(async () => {
      started.push('second');
    }, abandoned.signal);
    const third = limit(async () => {
      started.push('third');
    });
    abandoned.abort(new Error('scrubbed on'));
    await expect(second).rejects.toThrow('scrubbed on');
    release();
    await Promise.all([first, third]);
    expect(started).toEqual(['first', 'third']);
    // A task whose signal has already aborted is refused at once.
    await expect(limit(async () => 1, abandoned.signal)).rejects.toThrow('scrubbed on');
  });
});

describe('makeConcurrencyLimit priorities', () => {
  it('starts the lowest priority waiting task first, in call order among equals', async () => {
    const limit = makeConcurrencyLimit(1);
    const started: string[] = [];
    let release!: () => void;
    const first = limit(
      () =>
        new Promise<void>((resolve) => {
          started.push('first');
          release = resolve;
        }),
    );
    const task = (name: string, priority: number) =>
      limit(
        async () => {
          started.push(name);
        },
        undefined,
        priority,
      );
    const rest = [task('features', 2), task('network-old', 0), task('instances', 1), task('network-new', 0)];
    release();
    await Promise.all([first, ...rest]);
    expect(started).toEqual(['first', 'network-old', 'network-new', 'instances', 'features']);
  });
});

describe('makeConcurrencyLimit pausing', () => {
  /** A task that holds its slot until released, logging its pauses and resumes. */
  function heldTask(log: string[], name: string, pausable: boolean) {
    let release!: () => void;
    const run = () => (slot: { pausable(handle: Pausable): void }) =>
      new Promise<string>((resolve) => {
        log.push(`start ${name}`);
        if (pausable) {
          slot.pausable({ pause: () => log.push(`pause ${name}`), resume: () => log.push(`resume ${name}`) });
        }
        release = () => resolve(name);
      });
    return { run, release: () => release() };
  }

  it('pauses a less urgent running task for a more urgent arrival and resumes it before later tasks of its priority', async () => {
    const limit = makeConcurrencyLimit(1);
    const log: string[] = [];
    const features = heldTask(log, 'features-old', true);
    const network = heldTask(log, 'network-new', true);
    const instances = heldTask(log, 'instances-new', true);
    const laterFeatures = heldTask(log, 'features-new', true);
    const done: Promise<string>[] = [limit(features.run(), undefined, 2)];
    await Promise.resolve();
    done.push(limit(network.run(), undefined, 0));
    await new Promise((r) => setTimeout(r, 0));
    // The network task may not pause for instances (less urgent); instances waits.
    done.push(limit(instances.run(), undefined, 1), limit(laterFeatures.run(), undefined, 2));
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual(['start features-old', 'pause features-old', 'start network-new']);
    network.release();
    await new Promise((r) => setTimeout(r, 0));
    instances.release();
    await new Promise((r) => setTimeout(r, 0));
    expect(log.slice(3)).toEqual(['start instances-new', 'resume features-old']);
    features.release();
    await new Promise((r) => setTimeout(r, 0));
    laterFeatures.release();
    expect(await Promise.all(done)).toEqual(['features-old', 'network-new', 'instances-new', 'features-new']);
    expect(log.slice(5)).toEqual(['start features-new']);
  });

  it('never pauses a task that gave no way to pause it, nor one of equal urgency', async () => {
    const limit = makeConcurrencyLimit(1);
    const log: string[] = [];
    const unpausable = heldTask(log, 'render', false);
    const sameUrgency = heldTask(log, 'network-a', true);
    const first = limit(unpausable.run(), undefined, 2);
    await Promise.resolve();
    const second = limit(sameUrgency.run(), undefined, 0);
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual(['start render']);
    unpausable.release();
    await first;
    await new Promise((r) => setTimeout(r, 0));
    const third = limit(heldTask(log, 'network-b', true).run(), undefined, 0);
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual(['start render', 'start network-a']);
    sameUrgency.release();
    await second;
    expect(log.at(-1)).toBe('start network-b');
    void third;
  });
});

describe('makeConcurrencyLimit resize', () => {
  it('starts waiting tasks when it grows, and pauses the least urgent running ones when it shrinks', async () => {
    const limit = makeConcurrencyLimit(1);
    const log: string[] = [];
    const releases = new Map<string, () => void>();
    const task = (name: string, priority: number) =>
      limit(
        (slot) =>
          new Promise<string>((resolve) => {
            log.push(`start ${name}`);
            slot.pausable({ pause: () => log.push(`pause ${name}`), resume: () => log.push(`resume ${name}`) });
            releases.set(name, () => resolve(name));
          }),
        undefined,
        priority,
      );
    const done = [task('refine-a', 4), task('refine-b', 4)];
    await expect.poll(() => log).toEqual(['start refine-a']);
    limit.resize(2); // training ended: a second core is free
    await expect.poll(() => log).toEqual(['start refine-a', 'start refine-b']);
    limit.resize(1); // a trainer started: the later of the two equal ones waits again
    expect(log.slice(2)).toEqual(['pause refine-b']);
    releases.get('refine-a')!();
    await expect.poll(() => log.slice(3)).toEqual(['resume refine-b']);
    releases.get('refine-b')!();
    expect(await Promise.all(done)).toEqual(['refine-a', 'refine-b']);
  });
});
