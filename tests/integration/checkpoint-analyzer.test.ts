// The analysis children on a real smoke run: a request for one kind joins the child already computing every
// kind of that checkpoint (the background queue's) and is answered when its kind is stored, not at the end.
import { beforeAll, expect, it } from 'vitest';
import { Store } from '../../monitor/store/store.ts';
import { makeChildProcessAnalyzer } from '../../monitor/checkpoint-analyzer.ts';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const dir = useTempDir();
const db = `${dir}/db`;

beforeAll(async () => {
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'joined', progress: null, log: () => {} });
}, 120_000);

it('answers a one-kind request from the child computing all kinds, as soon as that kind is stored', async () => {
  // One slot: a second child for the instance request could only start after the first one ended.
  const analyze = makeChildProcessAnalyzer(db, 1);
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
    // Everything is stored now: a fresh request starts a child that finds nothing to do, and succeeds.
    await expect(analyze(at, { kinds: ['network'] })).resolves.toBeUndefined();
  } finally {
    store.close();
  }
}, 300_000);
