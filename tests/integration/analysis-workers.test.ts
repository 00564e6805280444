// The analysis workers on a real smoke run: a request for one kind joins the worker already computing every
// kind of that checkpoint (the background queue's) and is answered when its kind is stored, not at the end;
// workers pause for more urgent ones and die with their monitor, however it ends.
import { beforeAll, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Store } from '../../store/store.ts';
import { makeAnalysisWorkers } from '../../monitor/analysis-workers.ts';
import { startMonitor } from '../../monitor/server.ts';
import { ANALYSIS_KINDS } from '../../core/analysis-protocol.ts';
import { analysisKey } from '../../core/analysis-keys.ts';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { analysisProcesses } from '../helpers/store-processes.ts';

const dir = useTempDir();
const db = `${dir}/db`;
/** The same run, trained with no monitor running and never analysed. */
const unanalysedDb = `${dir}/unanalysed`;

beforeAll(async () => {
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'joined', progress: null, log: () => {} });
  cpSync(db, unanalysedDb, { recursive: true });
}, 120_000);

it('analyses on start-up every checkpoint committed while no monitor ran', async () => {
  const store = await Store.open(unanalysedDb);
  const monitor = await startMonitor({ store, port: 0, analyzeCheckpoints: true });
  try {
    const epochs = await store.listEpochs('joined');
    const wanted = epochs
      .filter((e) => e.checkpoint)
      .flatMap((at) =>
        ANALYSIS_KINDS.flatMap((kind) => {
          const key = analysisKey(kind, 'joined', epochs, at);
          return key ? [{ kind, key }] : [];
        }),
      );
    expect(wanted).toHaveLength(7); // the first source checkpoint has no network abstraction
    const missing = async () =>
      (await Promise.all(wanted.map(async ({ kind, key }) => ((await store.hasAnalysis(kind, key)) ? [] : [`${kind} ${key.phase} ${key.epoch}`])))).flat();
    await expect.poll(missing, { timeout: 280_000, interval: 500 }).toEqual([]);
  } finally {
    await monitor.close();
    store.close();
  }
}, 300_000);

it('answers a one-kind request from the worker computing all kinds, as soon as that kind is stored', async () => {
  // One slot: a second worker for the instance request could only start after the first one ended.
  const workers = makeAnalysisWorkers(db, 1);
  const { analyze } = workers;
  const at = { runId: 'joined', phase: 'target', epoch: 1 } as const;
  const key = { ...at, referencePhase: null, referenceEpoch: null };
  const store = await Store.open(db);
  try {
    const everything = analyze(at);
    await analyze(at, { kinds: ['instances'] });
    const storedWhenAnswered = { instances: await store.hasAnalysis('instances', key), features: await store.hasAnalysis('features', key) };
    expect(storedWhenAnswered).toEqual({ instances: true, features: false });
    await everything;
    expect(await store.hasAnalysis('features', key)).toBe(true);
    // Everything is stored now: a fresh request starts a worker that finds nothing to do, and succeeds.
    await expect(analyze(at, { kinds: ['network'] })).resolves.toBeUndefined();
  } finally {
    store.close();
    await workers.close();
  }
}, 300_000);

it('analyses a chosen pair: the source checkpoint against the fine-tuned one, reusing both stored conductances', async () => {
  const workers = makeAnalysisWorkers(db, 1);
  await workers.analyze({ runId: 'joined', phase: 'source', epoch: 1 }, { kinds: ['network'], reference: { phase: 'target', epoch: 1 } });
  await workers.close();
  const store = await Store.open(db);
  try {
    const pair = await store.getAnalysis('network', { runId: 'joined', phase: 'source', epoch: 1, referencePhase: 'target', referenceEpoch: 1 });
    expect(pair?.classes).toHaveLength(10);
    // Its sides are the default comparison's, swapped: the important neurons of one are the source-side ones of the other.
    const forward = await store.getAnalysis('network', { runId: 'joined', phase: 'target', epoch: 1, referencePhase: 'source', referenceEpoch: 1 });
    expect(pair!.classes.map((c) => c.layers.map((l) => l.importantNeurons))).toEqual(
      forward!.classes.map((c) => c.layers.map((l) => l.importantSourceNeurons)),
    );
  } finally {
    store.close();
  }
}, 300_000);

it('refuses a reference without a checkpoint, in one line and a non-zero exit', async () => {
  const failed = await promisify(execFile)(process.execPath, [
    'bin/transferscope.js',
    'analyze',
    '--db',
    db,
    '--run',
    'joined',
    '--reference',
    'target:1',
  ]).then(
    () => null,
    (err: { code: number; stderr: string }) => err,
  );
  expect(failed?.code).not.toBe(0);
  expect(failed?.stderr.trim().split('\n')).toHaveLength(1);
  expect(failed?.stderr).toContain('pass --phase and --epoch too');
});

/** The run states ('R', 'S', 'T' for stopped, …) of this db's analysis workers computing `kind` (their argv names it). */
function childStates(kind: string): string[] {
  return analysisProcesses(db, kind).map((p) => p.stat[0]!);
}

it.runIf(process.platform === 'linux')(
  'pauses a less urgent running worker for a more urgent one: features for instances, instances for network',
  async () => {
    const { analyze } = makeAnalysisWorkers(db, 1);
    const finished: string[] = [];
    const source1 = { runId: 'joined', phase: 'source', epoch: 1 } as const;
    // A view's features request (its network need has nothing to compute at the first source checkpoint).
    const features = analyze(source1, { kinds: ['features'] }).then(() => finished.push('features'));
    await expect.poll(() => childStates('features'), { timeout: 30_000, interval: 50 }).toHaveLength(1);
    // The queue's instance layout is more urgent: the features worker is stopped (SIGSTOP), not killed.
    const layout = analyze(source1, { kinds: ['instances'] }).then(() => finished.push('instances'));
    await expect.poll(() => childStates('features'), { timeout: 20_000, interval: 50 }).toEqual(['T']);
    await expect.poll(() => childStates('instances'), { timeout: 20_000, interval: 50 }).toHaveLength(1);
    // A network abstraction is more urgent still: now the instance worker waits too.
    const network = analyze({ runId: 'joined', phase: 'target', epoch: 1 }, { kinds: ['network'], reference: source1 }).then(() => finished.push('network'));
    await expect.poll(() => childStates('instances'), { timeout: 20_000, interval: 50 }).toEqual(['T']);
    await Promise.all([features, layout, network]);
    expect(finished).toEqual(['network', 'instances', 'features']);
    const store = await Store.open(db);
    try {
      const key = { ...source1, referencePhase: null, referenceEpoch: null };
      expect([await store.hasAnalysis('instances', key), await store.hasAnalysis('features', key)]).toEqual([true, true]);
    } finally {
      store.close();
    }
  },
  300_000,
);

it.runIf(process.platform === 'linux')(
  'ends every worker, stopped or running, when the monitor dies of an uncaught error',
  async () => {
    const crashed = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'tests/integration/fixtures/crash-while-paused.ts',
      db,
      'joined',
      'throw',
    ]).then(
      () => null,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(crashed?.stdout.trim()).toBe('paused');
    expect(crashed?.stderr).toContain('crashed while a worker was stopped');
    // The stopped features worker is gone, not left stopped for ever; the running network worker went with it.
    await expect.poll(() => childStates('features'), { timeout: 20_000, interval: 100 }).toEqual([]);
    await expect.poll(() => childStates('network'), { timeout: 20_000, interval: 100 }).toEqual([]);
  },
  120_000,
);

/** Pids of the pool watchdogs whose parent is `pid`. */
function watchdogsOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
          .replace(/^.*\) /, '')
          .split(' ');
        return Number(stat[1]) === pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('worker-watchdog.js') ? [Number(p)] : [];
      } catch {
        return [];
      }
    });
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it.runIf(process.platform === 'linux')(
  'ends every worker and the watchdog when the monitor is SIGKILLed while a worker is stopped',
  async () => {
    const monitor = spawn(process.execPath, ['--import', 'tsx', 'tests/integration/fixtures/crash-while-paused.ts', db, 'joined', 'wait'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    monitor.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    await expect.poll(() => stdout, { timeout: 60_000, interval: 100 }).toContain('paused');
    expect(childStates('features')).toEqual(['T']);
    const watchdogs = watchdogsOf(monitor.pid!);
    expect(watchdogs).toHaveLength(1);
    // A SIGKILLed monitor runs no exit handler, and the stopped worker cannot notice its closed channel itself.
    monitor.kill('SIGKILL');
    await expect.poll(() => [...childStates('features'), ...childStates('network')], { timeout: 20_000, interval: 100 }).toEqual([]);
    await expect.poll(() => watchdogs.filter(isAlive), { timeout: 20_000, interval: 100 }).toEqual([]);
  },
  120_000,
);
