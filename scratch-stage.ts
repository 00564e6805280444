import { selectBackend } from './trainer/backend.ts';
import { Store } from './monitor/store/store.ts';
import { makeAnalysisContext } from './trainer/analysis-context.ts';
import { computeFeatures } from './trainer/features-job.ts';
await selectBackend('auto');
const store = await Store.open('/tmp/wt4f-scratch/db');
const context = makeAnalysisContext(store, 'mid');
await context.inputs('source-validation'); await context.inputs('target-validation');
for (const steps of [4, 4]) {
  const cpu = process.cpuUsage(); const t = performance.now();
  const r = await computeFeatures(context, { runId: 'mid', phase: 'target', epoch: 1, referencePhase: null, referenceEpoch: null }, { steps });
  const u = process.cpuUsage(cpu);
  console.log('steps', steps, 'wall', ((performance.now() - t) / 1000).toFixed(1), 'cpu', ((u.user + u.system) / 1e6).toFixed(1), 'json KB', (JSON.stringify(r).length / 1024).toFixed(0), 'cv', r.classes.map((c) => c.cvAccuracy).join(','), 'n', r.classes.map((c) => c.sourceInstances.length + '/' + c.targetInstances.length).join(' '));
}
store.close();
