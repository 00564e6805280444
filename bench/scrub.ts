// Scrubbing and first-paint latency alone, for working on the dashboard without the whole `npm run bench`:
// `npx tsx bench/scrub.ts [--db DIR] [--moves N] [--rounds N] [--dist DIR ...] [--scroll-to TESTID] [--breakdown] [--profile FILE]` trains and analyses the bench run
// into DIR once (kept for the next call), builds nothing (run `npm run build` first) and prints the rows
// `npm run bench` records, plus the renderer's main-thread time per warm move. Several `--dist` (e.g. a copy of an
// old build and dashboard/dist) are measured in turn, alternating for `--rounds`, so a loaded machine's changing
// load falls on both alike.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../store/store.ts';
import { loadConfig } from '../trainer/config.ts';
import { trainRun } from '../trainer/run-training.ts';
import { analyzeCheckpoints } from '../analysis/jobs/analyze-checkpoints.ts';
import { measureDashboardLatency, percentile, type LatencyResult } from './dashboard-latency.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: join(tmpdir(), 'transferscope-scrub-bench') },
      moves: { type: 'string', default: '60' },
      rounds: { type: 'string', default: '1' },
      dist: { type: 'string', multiple: true, default: ['dashboard/dist'] },
      // e.g. network-panel: scrub while looking at the network view instead of the top of the page.
      'scroll-to': { type: 'string' },
      // Per warm move: when (after the keydown) the last view settled and which, the next frame, the requests made.
      breakdown: { type: 'boolean', default: false },
      // A CPU profile of the renderer over the warm moves (of the last round and --dist), for DevTools.
      profile: { type: 'string' },
    },
  });
  const db = values.db;
  if (!existsSync(db)) {
    await trainRun({ config: loadConfig('configs/bench.json'), db, runId: 'bench', progress: null, log: () => {} });
    await analyzeCheckpoints({ db, runId: 'bench', log: () => {} });
  }
  const store = await Store.open(db);
  const results = new Map<string, LatencyResult[]>(values.dist.map((dist) => [dist, []]));
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const dist of values.dist) {
        const r = await measureDashboardLatency(store, 'bench', {
          moves: Number(values.moves),
          liveEpochs: 0,
          coldRounds: 1,
          dashboardDir: dist,
          ...(values['scroll-to'] ? { scrollTo: values['scroll-to'] } : {}),
          ...(values.profile ? { profile: values.profile } : {}),
        });
        results.get(dist)!.push(r);
      }
    }
  } finally {
    store.close();
  }
  const row = (name: string, ms: number[]): string =>
    `  ${name}: p50 ${Math.round(percentile(ms, 50))} ms, p95 ${Math.round(percentile(ms, 95))} ms, max ${Math.round(Math.max(...ms))} ms (${ms.length} samples)`;
  const mean = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  for (const [dist, rs] of results) {
    console.log(dist);
    for (const b of values.breakdown ? rs.flatMap((r) => r.breakdowns) : []) {
      const requests = b.requests.map(
        (q) => `${q.name.replace(/^\/api\/runs\/[^/]+\/epochs\//, '')} ${Math.round(q.start)}-${Math.round(q.end)} ms ${q.bytes} B`,
      );
      const views = b.views.map((v) => `${v.view.replace(/-(panel|view)$/, '')} ${Math.round(v.at)}`);
      const longTasks = b.longTasks.map((t) => `${Math.round(t.start)}+${Math.round(t.duration)}`);
      console.log(
        `  move: wall ${Math.round(b.wall)}, settled ${Math.round(b.settled)} (${b.lastView}), painted ${Math.round(b.painted)}${requests.length ? `; ${requests.join('; ')}` : ''}`,
      );
      console.log(`    views settled: ${views.join(', ') || '-'}; long tasks: ${longTasks.join(', ') || '-'}`);
    }
    console.log(
      row(
        'first paint',
        rs.flatMap((r) => r.firstPaintMs),
      ),
    );
    console.log(
      row(
        'scrub cold',
        rs.flatMap((r) => r.scrubColdMs),
      ),
    );
    console.log(
      row(
        'scrub warm (key press sent -> polling saw it)',
        rs.flatMap((r) => r.scrubMs),
      ),
    );
    console.log(
      row(
        'scrub warm, in page (keydown -> painted)',
        rs.flatMap((r) => r.scrubPaintMs),
      ),
    );
    const cpu = rs.map((r) => r.moveCpuMs);
    console.log(
      `  main thread per warm move: ${mean(cpu.map((c) => c.thread))} ms (script ${mean(cpu.map((c) => c.script))}, style ${mean(cpu.map((c) => c.recalcStyle))}, layout ${mean(cpu.map((c) => c.layout))})`,
    );
  }
}

await main();
