// The `transferscope` command line: demo, train, serve. Flags are validated here, where they enter
// the program; every failure is one line on stderr and a non-zero exit code.
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { TransferscopeError } from '../core/errors.ts';
import { childEnv, parseStorageOptions, storageOptionsFromEnv, type StoreLocation } from '../store/storage-options.ts';
import type { MonitorOptions, RunningMonitor } from '../monitor/server.ts';
import type { Store } from '../store/store.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_DB = '.transferscope/db';
export const DEFAULT_PORT = 4640;
const DASHBOARD_DIR = resolve(ROOT, 'dashboard/dist');

const USAGE = `usage:
  transferscope demo  [--config FILE] [--db DIR] [--port N] [--host H] [--token T] [--backend B] [--analysis-workers N]
  transferscope train --config FILE [--db DIR] [--run ID] [--backend B]
  transferscope train --resume RUN [--db DIR] [--backend B]
  transferscope serve [--db DIR] [--port N] [--host H] [--token T] [--redis URL] [--kind K[,K]] [--analysis-workers N]
  transferscope worker --redis URL [--db DIR] [--concurrency N]
  transferscope analyze --run ID [--db DIR] [--phase P --epoch E [--reference P:E]] [--kind K[,K]] [--settings live|paper] [--backend B]
  transferscope feature --run ID --phase P --epoch E --layer L --neuron N --out FILE.png [--db DIR]
defaults: --db ${DEFAULT_DB}  --port ${DEFAULT_PORT}  --host 127.0.0.1  --backend auto (tensorflow-gpu, tensorflow, wasm, cpu)
--db is a folder or a LanceDB URI (s3://bucket/prefix, gs://…, az://…); every command also takes
  --storage-option KEY=VALUE (repeatable; e.g. aws_endpoint=http://127.0.0.1:9000), besides AWS_* and the like
--token T (or TRANSFERSCOPE_TOKEN=T) requires Authorization: Bearer T for the API and the socket.
--analysis-workers N: analyses at once while no training run is live (default: the machine's cores); one while one is.
--redis URL (or TRANSFERSCOPE_REDIS=URL): serve queues analyses for worker processes on that Redis, and several
  monitors on one Redis reach each other's clients.`;

function usageError(message: string): never {
  throw new TransferscopeError('INVALID_ARGUMENT', `${message} Run 'transferscope help' for usage.`);
}

/** Every command opens a store, so each takes these. */
const STORE_FLAGS = { db: { type: 'string' }, 'storage-option': { type: 'string', multiple: true } } as const;

/**
 * A command's flags, and the store it opens: --db (or the default folder) with the options of --storage-option
 * over those a parent transferscope process passed down (see STORAGE_OPTIONS_ENV).
 */
function parse(
  args: string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
): { flags: Record<string, string | undefined>; location: StoreLocation } {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({ args, options: { ...options, ...STORE_FLAGS }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // parseArgs explains some faults over several lines; the CLI's errors are one line.
    const message = (err as Error).message.replace(/\s*\n\s*/g, ' ');
    return usageError(/[.?]$/.test(message) ? message : `${message}.`);
  }
  const { 'storage-option': storageFlags, ...flags } = values;
  const storageOptions = { ...storageOptionsFromEnv(), ...parseStorageOptions((storageFlags ?? []) as string[]) };
  return { flags: flags as Record<string, string | undefined>, location: { uri: (flags.db as string | undefined) ?? DEFAULT_DB, storageOptions } };
}

// A monitor keeps committed checkpoints' weights and predictions it has read (compare, weight drift, confusion),
// so many dashboards cost one LanceDB read and Arrow decoding each; a few checkpoints of AlexNet fit.
const MONITOR_CACHE_BYTES = 256 * 2 ** 20;

const openStore = async (location: StoreLocation, options: { monitor?: boolean } = {}) => {
  const { Store } = await import('../store/store.ts');
  return Store.open(location.uri, { storageOptions: location.storageOptions, cacheBytes: options.monitor ? MONITOR_CACHE_BYTES : 0 });
};

async function parsePortFlag(value: string | undefined): Promise<number> {
  const { parsePort } = await import('../core/params.ts');
  return value === undefined ? DEFAULT_PORT : parsePort(value);
}

/**
 * The monitor's access settings from --host, --token and TRANSFERSCOPE_TOKEN. A host other than loopback is reachable
 * from the network, which the operator is told once, with the remedy when no token is set.
 */
async function monitorAccess(flags: Record<string, string | undefined>): Promise<{ host: string; token: string | null }> {
  const { isLoopbackHost, validateToken } = await import('../monitor/access-guard.ts');
  const host = flags.host ?? '127.0.0.1';
  const fromEnv = process.env.TRANSFERSCOPE_TOKEN;
  const token =
    flags.token !== undefined
      ? validateToken(flags.token, '--token')
      : fromEnv !== undefined && fromEnv !== ''
        ? validateToken(fromEnv, 'TRANSFERSCOPE_TOKEN')
        : null;
  if (!isLoopbackHost(host)) {
    console.error(
      `transferscope: warning: --host ${host} makes the API reachable from the network${token === null ? '; pass --token T (or set TRANSFERSCOPE_TOKEN) to require a token' : ' (token required)'}.`,
    );
  }
  return { host, token };
}

/** The dashboard URL to print: with the token, so opening it signs the page in (the page then hides it). */
function dashboardUrl(base: string, query: Record<string, string>, token: string | null): string {
  const params = new URLSearchParams(query);
  if (token !== null) {
    params.set('token', token);
  }
  const search = params.toString();
  return search === '' ? base : `${base}?${search}`;
}

async function parseBackend(value: string | undefined) {
  const { BACKEND_CHOICES } = await import('../trainer/backend.ts');
  const choice = value ?? 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    usageError(`Unknown --backend '${choice}': use one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  return choice as (typeof BACKEND_CHOICES)[number];
}

/** --analysis-workers N as a number, or undefined (the machine's cores) when it is not given. */
function parseAnalysisWorkers(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > 64) {
    usageError(`--analysis-workers takes a whole number of analyses at once from 1 to 64 (got '${value.slice(0, 20)}').`);
  }
  return workers;
}

/** The analysis kinds of --kind K[,K], or undefined (all) when it is not given. */
async function parseKinds(value: string | undefined) {
  const { ANALYSIS_KINDS } = await import('../core/analysis-protocol.ts');
  const kinds = value?.split(',');
  const unknown = kinds?.find((k) => !(ANALYSIS_KINDS as readonly string[]).includes(k));
  if (unknown !== undefined) {
    usageError(`Unknown --kind '${unknown.slice(0, 40)}': use ${ANALYSIS_KINDS.join(', ')} (comma-separated), or leave it out for all.`);
  }
  return kinds as (typeof ANALYSIS_KINDS)[number][] | undefined;
}

/** The Redis URL of --redis or TRANSFERSCOPE_REDIS, checked to answer; undefined when neither is set. */
async function redisFlag(value: string | undefined): Promise<string | undefined> {
  const fromEnv = process.env.TRANSFERSCOPE_REDIS;
  const url = value ?? (fromEnv === '' ? undefined : fromEnv);
  if (url === undefined) {
    return undefined;
  }
  const { assertRedisReachable, parseRedisUrl } = await import('../monitor/redis-connection.ts');
  await assertRedisReachable(parseRedisUrl(url, value === undefined ? 'TRANSFERSCOPE_REDIS' : '--redis'));
  return url;
}

/** The monitor of `serve` and `demo`: the dashboard, every checkpoint analysed in the background and refined when idle. */
async function startDashboardMonitor(
  store: Store,
  access: { port: number; host: string; token: string | null },
  options: Partial<Omit<MonitorOptions, 'store' | 'port' | 'host' | 'token'>> = {},
): Promise<RunningMonitor> {
  const { startMonitor } = await import('../monitor/server.ts');
  return startMonitor({ store, ...access, dashboardDir: DASHBOARD_DIR, analyzeCheckpoints: true, refineAnalyses: true, ...options });
}

async function serve(args: string[]): Promise<number> {
  const { flags, location } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    redis: { type: 'string' },
    kind: { type: 'string' },
    'analysis-workers': { type: 'string' },
  });
  const port = await parsePortFlag(flags.port);
  const idleAnalysisWorkers = parseAnalysisWorkers(flags['analysis-workers']);
  const { host, token } = await monitorAccess(flags);
  const analysisKinds = await parseKinds(flags.kind);
  const redis = await redisFlag(flags.redis);
  const store = await openStore(location, { monitor: true });
  const monitor = await startDashboardMonitor(
    store,
    { port, host, token },
    {
      ...(redis ? { redis } : {}),
      ...(analysisKinds ? { analysisKinds } : {}),
      ...(idleAnalysisWorkers ? { idleAnalysisWorkers } : {}),
    },
  );
  console.log(`transferscope: monitor on ${dashboardUrl(monitor.url, {}, token)} (store ${store.displayUri})`);
  await new Promise<void>((done) => process.once('SIGINT', done).once('SIGTERM', done));
  await monitor.close();
  store.close();
  return 0;
}

async function worker(args: string[]): Promise<number> {
  const { flags, location } = parse(args, { redis: { type: 'string' }, concurrency: { type: 'string' } });
  const concurrency = flags.concurrency === undefined ? 1 : Number(flags.concurrency);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    usageError(`--concurrency takes a whole number of jobs at once from 1 to 64 (got '${String(flags.concurrency).slice(0, 20)}').`);
  }
  const redis = await redisFlag(flags.redis);
  if (redis === undefined) {
    usageError('Missing --redis URL (or TRANSFERSCOPE_REDIS): the Redis that `serve --redis` monitors queue analyses on.');
  }
  const { startQueueWorker } = await import('../monitor/queue-worker.ts');
  const { redisDisplay } = await import('../monitor/redis-connection.ts');
  const store = await openStore(location);
  const running = await startQueueWorker({ store, redisUrl: redis, concurrency, log: (line) => console.log(`transferscope: ${line}`) });
  console.log(`transferscope: worker taking analysis jobs from ${redisDisplay(redis)} (store ${store.displayUri}, ${concurrency} at once)`);
  await new Promise<void>((done) => process.once('SIGINT', done).once('SIGTERM', done));
  // Running jobs finish first; a second signal (or SIGKILL) ends them, and another worker retries them.
  process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
  await running.close();
  store.close();
  return 0;
}

async function train(args: string[]): Promise<number> {
  const { flags, location } = parse(args, { config: { type: 'string' }, run: { type: 'string' }, backend: { type: 'string' }, resume: { type: 'string' } });
  if (flags.resume !== undefined && (flags.config !== undefined || flags.run !== undefined)) {
    usageError('--resume RUN continues a stored run with its stored config: leave out --config and --run.');
  }
  if (!flags.config && flags.resume === undefined) {
    usageError('Missing --config FILE (for example --config configs/digits.json), or --resume RUN to continue a stopped run.');
  }
  const { assertRunId } = await import('../core/params.ts');
  for (const id of [flags.run, flags.resume]) {
    if (id !== undefined) {
      assertRunId(id);
    }
  }
  const { loadConfig } = await import('../trainer/config.ts');
  const { trainRun } = await import('../trainer/run-training.ts');
  const { resumeRun } = await import('../trainer/resume-run.ts');
  const config = flags.config === undefined ? undefined : loadConfig(flags.config);
  const backend = await parseBackend(flags.backend);
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) {
      process.exit(130);
    }
    process.stderr.write('\ntransferscope: stopping after this batch (Ctrl-C again to quit now)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    const db = location.uri;
    const storageOptions = location.storageOptions;
    const run =
      config === undefined
        ? await resumeRun({ db, storageOptions, runId: flags.resume!, backend, signal: stop.signal })
        : await trainRun({ config, db, storageOptions, runId: flags.run, backend, signal: stop.signal });
    console.log(`transferscope: run ${run.id} finished (${run.lastEpoch?.step ?? 0} epochs stored)`);
    return 0;
  } catch (err) {
    if (stop.signal.aborted) {
      console.error(`transferscope: training interrupted; the completed epochs are stored (continue with 'transferscope train --resume RUN').`);
      return 130;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

async function demo(args: string[]): Promise<number> {
  const { flags, location } = parse(args, {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    backend: { type: 'string' },
    token: { type: 'string' },
    'analysis-workers': { type: 'string' },
  });
  const port = await parsePortFlag(flags.port);
  const idleAnalysisWorkers = parseAnalysisWorkers(flags['analysis-workers']);
  const { host, token } = await monitorAccess(flags);
  const { loadConfig, checkConfigFiles } = await import('../trainer/config.ts');
  const { checkRunModel, defaultRunId } = await import('../trainer/run-training.ts');
  const configFile = flags.config ?? resolve(ROOT, 'configs/digits.json');
  const config = loadConfig(configFile);
  // The store is created below; a missing data file or a layer the model lacks must stop the demo before it exists.
  checkConfigFiles(config);
  const backend = await parseBackend(flags.backend);
  await checkRunModel(config, backend);
  const store = await openStore(location, { monitor: true });
  // One analysis worker while training: the trainer holds the other core, and two workers sharing one core slowed
  // the newest checkpoint's network abstraction past the next checkpoint (measured in docs/decisions.md). Once it
  // has finished, the monitor refines on every core (or --analysis-workers).
  const monitor = await startDashboardMonitor(store, { port, host, token }, { analysisWorkers: 1, ...(idleAnalysisWorkers ? { idleAnalysisWorkers } : {}) });
  const runId = defaultRunId(config);
  const url = dashboardUrl(monitor.url, { run: runId }, token);
  console.log(`transferscope: open ${url} to watch run ${runId} live (store ${store.displayUri}; Ctrl-C stops)`);
  // Training runs in its own process so that tensor work never blocks the API and the live updates.
  const trainer = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('./transferscope.js', import.meta.url)),
      'train',
      '--config',
      configFile,
      '--db',
      location.uri,
      '--run',
      runId,
      '--backend',
      backend,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: childEnv(location) },
  );
  // A SIGTERM (or a SIGINT sent to this process alone) must stop the trainer too, not orphan it: it stops after
  // its batch, and the monitor then stops its analysis children. Completed epochs stay in the store.
  const stopTrainer = (): void => {
    trainer.kill('SIGTERM');
  };
  process.once('SIGINT', stopTrainer).once('SIGTERM', stopTrainer);
  const code = await new Promise<number>((done) => trainer.once('exit', (c) => done(c ?? 1)));
  process.off('SIGINT', stopTrainer).off('SIGTERM', stopTrainer);
  if (code === 0) {
    console.log(`transferscope: training finished; still serving ${url} (Ctrl-C stops)`);
    await new Promise<void>((done) => process.once('SIGINT', done).once('SIGTERM', done));
  }
  await monitor.close();
  store.close();
  return code === 0 ? 0 : code;
}

async function analyze(args: string[]): Promise<number> {
  const { flags, location } = parse(args, {
    run: { type: 'string' },
    phase: { type: 'string' },
    epoch: { type: 'string' },
    kind: { type: 'string' },
    backend: { type: 'string' },
    reference: { type: 'string' },
    settings: { type: 'string' },
  });
  if (!flags.run) {
    usageError('Missing --run ID (list runs with GET /api/runs).');
  }
  const kinds = await parseKinds(flags.kind);
  if ((flags.phase === undefined) !== (flags.epoch === undefined)) {
    usageError('Pass --phase and --epoch together, or neither to analyse every checkpoint of the run.');
  }
  if (flags.reference !== undefined && flags.phase === undefined) {
    usageError('--reference P:E names what one checkpoint is compared with: pass --phase and --epoch too.');
  }
  const { assertRunId, parseEpochParams, parseReference } = await import('../core/params.ts');
  assertRunId(flags.run);
  if (flags.phase !== undefined) {
    parseEpochParams(flags.phase, flags.epoch!);
  }
  const reference = flags.reference === undefined ? undefined : parseReference(flags.reference);
  const { parseSettingsName } = await import('../core/analysis-settings.ts');
  const settings = flags.settings === undefined ? undefined : parseSettingsName(flags.settings, '--settings');
  const backend = await parseBackend(flags.backend);
  const { analyzeCheckpoints } = await import('../analysis/jobs/analyze-checkpoints.ts');
  const done = await analyzeCheckpoints({
    db: location.uri,
    storageOptions: location.storageOptions,
    runId: flags.run,
    backend,
    ...(flags.phase !== undefined ? { only: { phase: flags.phase, epoch: flags.epoch! } } : {}),
    ...(kinds ? { kinds } : {}),
    ...(reference ? { reference } : {}),
    ...(settings ? { settings } : {}),
    log: (line) => console.error(`transferscope: ${line}`),
  });
  console.log(`transferscope: ${done.computed} analyses computed, ${done.stored} already stored`);
  return 0;
}

async function feature(args: string[]): Promise<number> {
  const { flags, location } = parse(args, {
    run: { type: 'string' },
    phase: { type: 'string' },
    epoch: { type: 'string' },
    layer: { type: 'string' },
    neuron: { type: 'string' },
    out: { type: 'string' },
    backend: { type: 'string' },
  });
  for (const name of ['run', 'phase', 'epoch', 'layer', 'neuron', 'out'] as const) {
    if (flags[name] === undefined) {
      usageError(`Missing --${name}.`);
    }
  }
  const { assertRunId, parseEpochParams, parseNeuronIndex } = await import('../core/params.ts');
  const { renderFeatureImage, parseNeuron } = await import('../analysis/jobs/feature-image.ts');
  const { writeFileSync } = await import('node:fs');
  assertRunId(flags.run!);
  const { phase, epoch } = parseEpochParams(flags.phase!, flags.epoch!);
  const { layer, neuron } = parseNeuron(flags.layer!, String(parseNeuronIndex(flags.neuron, '--neuron')));
  const png = await renderFeatureImage({
    db: location.uri,
    storageOptions: location.storageOptions,
    runId: flags.run!,
    phase,
    epoch,
    layer,
    neuron,
    backend: await parseBackend(flags.backend),
  });
  writeFileSync(flags.out!, png);
  return 0;
}

/** Runs one CLI command; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo':
        return await demo(rest);
      case 'train':
        return await train(rest);
      case 'serve':
        return await serve(rest);
      case 'analyze':
        return await analyze(rest);
      case 'worker':
        return await worker(rest);
      case 'feature':
        return await feature(rest);
      case 'help':
      case '--help':
      case '-h':
      case undefined:
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        return usageError(`Unknown command '${command}'.`);
    }
  } catch (err) {
    if (err instanceof TransferscopeError) {
      console.error(`transferscope: ${err.message}`);
      return 2;
    }
    console.error(`transferscope: ${(err as Error).message}${process.env.DEBUG ? `\n${(err as Error).stack}` : ' (set DEBUG=1 for details)'}`);
    return 1;
  }
}
