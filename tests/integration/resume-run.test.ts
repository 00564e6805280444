// Kill -9 of a real `train` child after its first checkpoint, then `train --resume`: the run is `interrupted` in
// between (API and store), and the resumed run ends with exactly the planned epochs, matching an uninterrupted
// run of the same seed.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Store } from '../../store/store.ts';
import { startMonitor } from '../../monitor/server.ts';
import type { EpochRecord, RunMeta } from '../../core/protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const run = promisify(execFile);
const dir = useTempDir();
const db = `${dir}/db`;
const config = `${dir}/resume.json`;
// Beats every 500 ms, so a killed trainer reads as interrupted 1.5 s after its last beat.
const env = { ...process.env, TRANSFERSCOPE_HEARTBEAT_MS: '500' };
writeFileSync(
  config,
  JSON.stringify({
    name: 'resume-smoke',
    seed: 11,
    model: 'alexnet-32',
    source: { kind: 'synthetic-digits', count: 200 },
    target: { kind: 'mnist', count: 160 },
    trainFraction: 0.85,
    phases: {
      source: { epochs: 3, batchSize: 32, learningRate: 0.001, augment: true },
      target: { epochs: 2, batchSize: 32, learningRate: 0.0005 },
    },
    checkpointEvery: 1,
    evalTrainSamples: 60,
  }),
);

async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, ['bin/transferscope.js', ...args], { env, timeout: 240_000 });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

let reader: Store | undefined;
afterAll(() => reader?.close());

/** The run's committed epochs, or [] while the child has not created the store or the run yet. */
async function epochsOf(runId: string): Promise<EpochRecord[]> {
  try {
    reader ??= await Store.open(db);
    return await reader.listEpochs(runId);
  } catch {
    return [];
  }
}

const shape = (epochs: EpochRecord[]) => epochs.map((e) => `${e.phase}${e.epoch}:${e.step}${e.checkpoint ? '*' : ''}`);

describe('train --resume after kill -9', () => {
  it("marks the killed run interrupted, then resumes it to the planned epochs with an uninterrupted run's metrics", async () => {
    // The reference: the same config, never interrupted, in the same store.
    const straight = cli('train', '--config', config, '--db', db, '--run', 'straight');
    const child = spawn(process.execPath, ['bin/transferscope.js', 'train', '--config', config, '--db', db, '--run', 'killed'], { env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
    await expect.poll(async () => (await epochsOf('killed')).some((e) => e.checkpoint), { timeout: 180_000, interval: 200 }).toBe(true);

    const alive = await cli('train', '--resume', 'killed', '--db', db);
    expect(alive.code).toBe(2);
    expect(alive.stderr.trim()).toMatch(/^transferscope: Run 'killed' is still running \(its trainer's last heartbeat was \d+ s ago\)/);
    expect(alive.stderr.trim().split('\n')).toHaveLength(1);

    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const monitor = await startMonitor({ store: reader!, port: 0 });
    try {
      const status = async () => ((await (await fetch(`${monitor.url}api/runs/killed`)).json()) as RunMeta).status;
      await expect.poll(status, { timeout: 10_000, interval: 100 }).toBe('interrupted');
      const listed = (await (await fetch(`${monitor.url}api/runs`)).json()) as { id: string; status: string }[];
      expect(listed.find((r) => r.id === 'killed')?.status).toBe('interrupted');
    } finally {
      await monitor.close();
    }
    const beforeResume = await reader!.listEpochs('killed');
    const checkpoint = beforeResume.filter((e) => e.checkpoint).at(-1)!;

    const resumed = await cli('train', '--resume', 'killed', '--db', db);
    expect(resumed.stderr).toContain(`resuming run killed after checkpoint ${checkpoint.phase} ${checkpoint.epoch} (step ${checkpoint.step})`);
    expect(resumed.code).toBe(0);
    expect((await straight).code).toBe(0);

    const planned = ['source1:1*', 'source2:2*', 'source3:3*', 'target1:4*', 'target2:5*'];
    const [killed, reference] = [await reader!.listEpochs('killed'), await reader!.listEpochs('straight')];
    expect(shape(killed)).toEqual(planned);
    expect(shape(reference)).toEqual(planned);
    expect((await reader!.getRun('killed')).status).toBe('finished');
    // Epochs up to the checkpoint were trained before the kill; the later ones by the resumed process.
    expect(killed.filter((e) => e.step <= checkpoint.step).map((e) => e.committedAt)).toEqual(
      beforeResume.filter((e) => e.step <= checkpoint.step).map((e) => e.committedAt),
    );
    const later = killed.filter((e) => e.step > checkpoint.step);
    expect(later.length).toBeGreaterThan(0);
    const differences = later.map((e) => {
      const r = reference.find((x) => x.step === e.step)!;
      const accuracies = (['accSourceTrain', 'accTargetTrain', 'accSourceValidation', 'accTargetValidation'] as const).map((k) => Math.abs(e[k] - r[k]));
      return { step: e.step, loss: Math.abs(e.loss - r.loss), accuracy: Math.max(...accuracies) };
    });
    // Same weights, Adam state, per-epoch data order and dropout masks through the same WASM kernels: measured
    // identical (every difference 0). The bounds (loss 5e-5, accuracy 0.005, under one instance of 30) leave
    // room for float32 rounding only: Adam's bias correction is recomputed as beta^(t+1) on restore.
    for (const d of differences) {
      expect(d).toEqual({ step: d.step, loss: expect.closeTo(0, 4), accuracy: expect.closeTo(0, 2) });
    }

    const again = await cli('train', '--resume', 'killed', '--db', db);
    expect([again.code, again.stderr.trim()]).toEqual([
      2,
      "transferscope: Run 'killed' finished; there is nothing to resume. Start a new run with 'transferscope train --config FILE'.",
    ]);
    const unknown = await cli('train', '--resume', 'nope', '--db', db);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^transferscope: No run 'nope'/);
  }, 600_000);
});
