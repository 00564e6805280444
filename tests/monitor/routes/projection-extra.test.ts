// The extra-points route on a real store and a real worker pool: a bad set or class list is refused with one line
// before any worker starts (the placing itself is exercised on the smoke run in tests/integration/projection.test.ts).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import { makeAnalysisWorkers, type AnalysisWorkers } from '../../../monitor/analysis-workers.ts';
import type { ApiError } from '../../../core/protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
let workers: AnalysisWorkers;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('extra')); // three classes
  await store.commitEpoch('extra', { record: { ...epochRecord('source', 1, 1), checkpoint: true }, predictions: [] });
  workers = makeAnalysisWorkers(store.uri, 1);
  app = createApp(store, { analyze: workers.analyze, projectExtraPoints: workers.projectExtraPoints });
});
afterAll(async () => {
  await workers.close();
  store.close();
});

const extra = (query: string): Promise<Response> => Promise.resolve(app.request(`/api/runs/extra/epochs/source/1/projection/extra${query}`));
const error = async (res: Response) => ((await res.json()) as ApiError).error;

it.each([
  ['?classes=0,1', 'Missing set: use ?set= one of target-train, source-train.'],
  ['?set=target-validation&classes=0', "Unknown set 'target-validation': use ?set= one of target-train, source-train."],
  ['?set=target-train', "Invalid classes '': use ?classes= a comma list of distinct class indices from 0 to 2, e.g. 0,3."],
  [
    '?set=target-train&classes=0,3',
    "Invalid classes '0,3': class 3 does not exist; use ?classes= a comma list of distinct class indices from 0 to 2, e.g. 0,3.",
  ],
  ['?set=target-train&classes=1,1', "Invalid classes '1,1': a class is repeated; use ?classes= a comma list of distinct class indices from 0 to 2, e.g. 0,3."],
  ['?set=target-train&classes=-1', "Invalid classes '-1': use ?classes= a comma list of distinct class indices from 0 to 2, e.g. 0,3."],
  ['?set=source-train&classes=0,,1', "Invalid classes '0,,1': use ?classes= a comma list of distinct class indices from 0 to 2, e.g. 0,3."],
])('refuses %s with a one-line 400 and starts no worker', async (query, message) => {
  const res = await extra(query);
  expect(res.status).toBe(400);
  const body = await error(res);
  expect(body).toEqual({ code: 'INVALID_ARGUMENT', message });
  expect(body.message).not.toContain(dir);
  expect(workers.startedJobs).toBe(0);
});

it('answers an unknown run with 404 and a valid request on a plain epoch with EPOCH_NOT_FOUND, still without a worker', async () => {
  const run = await app.request('/api/runs/nope/epochs/source/1/projection/extra?set=target-train&classes=0');
  expect(run.status).toBe(404);
  await store.commitEpoch('extra', { record: epochRecord('source', 2, 2), predictions: [] });
  const plain = await app.request('/api/runs/extra/epochs/source/2/projection/extra?set=target-train&classes=0');
  expect([plain.status, (await error(plain)).code]).toEqual([404, 'EPOCH_NOT_FOUND']);
  expect(workers.startedJobs).toBe(0);
});
