// The `transferscope` command line: demo, train, serve. Flags are validated here, where they enter
// the program; every failure is one line on stderr and a non-zero exit code.
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { TransferscopeError } from '../core/errors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_DB = '.transferscope/db';
export const DEFAULT_PORT = 4640;
const DASHBOARD_DIR = resolve(ROOT, 'dashboard/dist');

const USAGE = `usage:
  transferscope demo  [--config FILE] [--db DIR] [--port N] [--host H] [--backend B]
  transferscope train --config FILE [--db DIR] [--run ID] [--backend B]
  transferscope train --resume RUN [--db DIR] [--backend B]
  transferscope serve [--db DIR] [--port N] [--host H]
  transferscope analyze --run ID [--db DIR] [--phase P --epoch E [--reference P:E]] [--kind K[,K]] [--backend B]
  transferscope feature --run ID --phase P --epoch E --layer L --neuron N --out FILE.png [--db DIR]
defaults: --db ${DEFAULT_DB}  --port ${DEFAULT_PORT}  --host 127.0.0.1  --backend auto (tensorflow-gpu, tensorflow, wasm, cpu)`;

function usageError(message: string): never {
  throw new TransferscopeError('INVALID_ARGUMENT', `${message} Run 'transferscope help' for usage.`);
}

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (err) {
    return usageError(`${(err as Error).message}.`);
  }
}

function parsePort(value: string | undefined): number {
  if (value === undefined) {
    return DEFAULT_PORT;
  }
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    usageError(`Invalid --port '${value}': use a whole number from 0 to 65535 (0 picks a free port).`);
  }
  return port;
}

async function parseBackend(value: string | undefined) {
  const { BACKEND_CHOICES } = await import('../trainer/backend.ts');
  const choice = value ?? 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    usageError(`Unknown --backend '${choice}': use one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  return choice as (typeof BACKEND_CHOICES)[number];
}

async function serve(args: string[]): Promise<number> {
  const flags = parse(args, { db: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } });
  const { Store } = await import('../store/store.ts');
  const { startMonitor } = await import('../monitor/server.ts');
  const db = flags.db ?? DEFAULT_DB;
  const store = await Store.open(db);
  const monitor = await startMonitor({ store, port: parsePort(flags.port), host: flags.host, dashboardDir: DASHBOARD_DIR, analyzeCheckpoints: true });
  console.log(`transferscope: monitor on ${monitor.url} (store ${db})`);
  await new Promise<void>((done) => process.once('SIGINT', done).once('SIGTERM', done));
  await monitor.close();
  store.close();
  return 0;
}

async function train(args: string[]): Promise<number> {
  const flags = parse(args, { config: { type: 'string' }, db: { type: 'string' }, run: { type: 'string' }, backend: { type: 'string' }, resume: { type: 'string' } });
  if (flags.resume !== undefined && (flags.config !== undefined || flags.run !== undefined)) {
    usageError('--resume RUN continues a stored run with its stored config: leave out --config and --run.');
  }
  if (!flags.config && flags.resume === undefined) {
    usageError('Missing --config FILE (for example --config configs/digits.json), or --resume RUN to continue a stopped run.');
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
    const db = flags.db ?? DEFAULT_DB;
    const run = config === undefined
      ? await resumeRun({ db, runId: flags.resume!, backend, signal: stop.signal })
      : await trainRun({ config, db, runId: flags.run, backend, signal: stop.signal });
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
  const flags = parse(args, {
    config: { type: 'string' }, db: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, backend: { type: 'string' },
  });
  const { Store } = await import('../store/store.ts');
  const { startMonitor } = await import('../monitor/server.ts');
  const { loadConfig } = await import('../trainer/config.ts');
  const { defaultRunId } = await import('../trainer/run-training.ts');
  const configFile = flags.config ?? resolve(ROOT, 'configs/digits.json');
  const config = loadConfig(configFile);
  const backend = await parseBackend(flags.backend);
  const db = flags.db ?? DEFAULT_DB;
  const store = await Store.open(db);
  // One analysis child: the trainer holds the other core, and two children sharing one core slowed the newest
  // checkpoint's network abstraction past the next checkpoint (measured in docs/decisions.md).
  const monitor = await startMonitor({
    store, port: parsePort(flags.port), host: flags.host, dashboardDir: DASHBOARD_DIR, analyzeCheckpoints: true, analysisChildren: 1,
  });
  const runId = defaultRunId(config);
  console.log(`transferscope: open ${monitor.url}?run=${runId} to watch run ${runId} live (store ${db}; Ctrl-C stops)`);
  // Training runs in its own process so that tensor work never blocks the API and the live updates.
  const trainer = spawn(process.execPath, [fileURLToPath(new URL('./transferscope.js', import.meta.url)), 'train',
    '--config', configFile, '--db', db, '--run', runId, '--backend', backend], { stdio: ['ignore', 'inherit', 'inherit'] });
  // A SIGTERM (or a SIGINT sent to this process alone) must stop the trainer too, not orphan it: it stops after
  // its batch, and the monitor then stops its analysis children. Completed epochs stay in the store.
  const stopTrainer = (): void => {
    trainer.kill('SIGTERM');
  };
  process.once('SIGINT', stopTrainer).once('SIGTERM', stopTrainer);
  const code = await new Promise<number>((done) => trainer.once('exit', (c) => done(c ?? 1)));
  process.off('SIGINT', stopTrainer).off('SIGTERM', stopTrainer);
  if (code === 0) {
    console.log(`transferscope: training finished; still serving ${monitor.url}?run=${runId} (Ctrl-C stops)`);
    await new Promise<void>((done) => process.once('SIGINT', done).once('SIGTERM', done));
  }
  await monitor.close();
  store.close();
  return code === 0 ? 0 : code;
}

async function analyze(args: string[]): Promise<number> {
  const flags = parse(args, {
    db: { type: 'string' }, run: { type: 'string' }, phase: { type: 'string' }, epoch: { type: 'string' }, kind: { type: 'string' }, backend: { type: 'string' },
    reference: { type: 'string' },
  });
  if (!flags.run) {
    usageError('Missing --run ID (list runs with GET /api/runs).');
  }
  const { ANALYSIS_KINDS } = await import('../core/analysis-protocol.ts');
  const kinds = flags.kind?.split(',');
  const unknown = kinds?.find((k) => !(ANALYSIS_KINDS as readonly string[]).includes(k));
  if (unknown !== undefined) {
    usageError(`Unknown --kind '${unknown}': use ${ANALYSIS_KINDS.join(', ')} (comma-separated), or leave it out for all.`);
  }
  if ((flags.phase === undefined) !== (flags.epoch === undefined)) {
    usageError('Pass --phase and --epoch together, or neither to analyse every checkpoint of the run.');
  }
  if (flags.reference !== undefined && flags.phase === undefined) {
    usageError('--reference P:E names what one checkpoint is compared with: pass --phase and --epoch too.');
  }
  const { parseReference } = await import('../core/params.ts');
  const reference = flags.reference === undefined ? undefined : parseReference(flags.reference);
  const backend = await parseBackend(flags.backend);
  const { analyzeCheckpoints } = await import('../analysis/jobs/analyze-checkpoints.ts');
  const done = await analyzeCheckpoints({
    db: flags.db ?? DEFAULT_DB, runId: flags.run, backend,
    ...(flags.phase !== undefined ? { only: { phase: flags.phase, epoch: flags.epoch! } } : {}),
    ...(kinds ? { kinds: kinds as typeof ANALYSIS_KINDS[number][] } : {}),
    ...(reference ? { reference } : {}),
    log: (line) => console.error(`transferscope: ${line}`),
    // The monitor reads these (READY_LINE) to answer a request as soon as its kind is stored.
    onReady: (kind, at) => console.log(`transferscope: ready ${kind} ${at.phase} ${at.epoch}`),
  });
  console.log(`transferscope: ${done.computed} analyses computed, ${done.stored} already stored`);
  return 0;
}

async function feature(args: string[]): Promise<number> {
  const flags = parse(args, {
    db: { type: 'string' }, run: { type: 'string' }, phase: { type: 'string' }, epoch: { type: 'string' },
    layer: { type: 'string' }, neuron: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' },
  });
  for (const name of ['run', 'phase', 'epoch', 'layer', 'neuron', 'out'] as const) {
    if (flags[name] === undefined) {
      usageError(`Missing --${name}.`);
    }
  }
  const { parseEpochParams } = await import('../core/params.ts');
  const { renderFeatureImage, parseNeuron } = await import('../analysis/jobs/feature-image.ts');
  const { writeFileSync } = await import('node:fs');
  const { phase, epoch } = parseEpochParams(flags.phase!, flags.epoch!);
  const { layer, neuron } = parseNeuron(flags.layer!, flags.neuron!);
  const png = await renderFeatureImage({ db: flags.db ?? DEFAULT_DB, runId: flags.run!, phase, epoch, layer, neuron, backend: await parseBackend(flags.backend) });
  writeFileSync(flags.out!, png);
  return 0;
}

/** Runs one CLI command; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo': return await demo(rest);
      case 'train': return await train(rest);
      case 'serve': return await serve(rest);
      case 'analyze': return await analyze(rest);
      case 'feature': return await feature(rest);
      case 'help': case '--help': case '-h': case undefined:
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
