// Scrubbing and first-paint latency alone, for working on the dashboard without the whole `npm run bench`:
// `npx tsx bench/scrub.ts [--db DIR]` trains and analyses the bench run into DIR once (kept for the next call),
// builds nothing (run `npm run build` first) and prints the rows `npm run bench` records.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../store/store.ts';
import { loadConfig } from '../trainer/config.ts';
import { trainRun } from '../trainer/run-training.ts';
import { analyzeCheckpoints } from '../analysis/jobs/analyze-checkpoints.ts';
import { measureDashboardLatency, percentile } from './dashboard-latency.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { db: { type: 'string', default: join(tmpdir(), 'transferscope-scrub-bench') }, moves: { type: 'string', default: '60' } },
  });
  const db = values.db;
  if (!existsSync(db)) {
    await trainRun({ config: loadConfig('configs/bench.json'), db, runId: 'bench', progress: null, log: () => {} });
    await analyzeCheckpoints({ db, runId: 'bench', log: () => {} });
  }
  const store = await Store.open(db);
  try {
    const r = await measureDashboardLatency(store, 'bench', Number(values.moves), 0);
    const row = (name: string, ms: number[]): string =>
      `${name}: p50 ${Math.round(percentile(ms, 50))} ms, p95 ${Math.round(percentile(ms, 95))} ms, max ${Math.round(Math.max(...ms))} ms (${ms.length} samples)`;
    console.log(row('first paint', r.firstPaintMs));
    console.log(row('scrub cold', r.scrubColdMs));
    console.log(row('scrub warm', r.scrubMs));
    console.log(`warm samples: ${r.scrubMs.map(Math.round).join(' ')}`);
  } finally {
    store.close();
  }
}

await main();
