// The app's error boundary: every numeric parameter is bounded (400, never a LanceDB failure), an unexpected error
// answers 500 with an id and nothing else, and a few hundred hostile requests over every route never get a 5xx or leak.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { basename } from 'node:path';
import { Store } from '../../store/store.ts';
import { createApp } from '../../monitor/app.ts';
import { TransferscopeError } from '../../core/errors.ts';
import type { ApiError } from '../../core/protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
const db = `${dir}/db`;
let store: Store;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  store = await Store.open(db);
  app = createApp(store, {
    // Every fuzzed request is invalid in at least one place, so none may get as far as computing an analysis.
    analyze: () => Promise.reject(new Error('the fuzzer reached an analysis: a bad parameter passed validation')),
    renderFeatureImage: () => Promise.reject(new Error('the fuzzer reached a feature render: a bad parameter passed validation')),
    projectExtraPoints: () => Promise.reject(new Error('the fuzzer reached extra points: a bad parameter passed validation')),
  });
  await store.createRun(runMeta('run-f'));
  await store.commitEpoch('run-f', {
    record: epochRecord('source', 1, 1),
    predictions: [],
    weights: [layerWeights('conv1', 2, 0), layerWeights('conv2', 2, 1)],
  });
  await store.commitEpoch('run-f', { record: epochRecord('target', 1, 2), predictions: [] });
});
afterAll(() => store.close());

const request = async (path: string): Promise<{ status: number; text: string }> => {
  const res = await app.request(path);
  return { status: res.status, text: await res.text() };
};

/** What no answer may contain: the store's folder, library paths, stack frames, the database's own messages. */
function leaks(text: string): string | null {
  const patterns: [string, RegExp | string][] = [
    ['store path', dir],
    ['store folder name', basename(dir)],
    ['node_modules', 'node_modules'],
    ['stack frame', /\bat \S+ \(|\n\s+at |\bat (file|node):/],
    ['database message', /lance error|datafusion|arrow error/i],
  ];
  for (const [name, pattern] of patterns) {
    if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) {
      return name;
    }
  }
  return null;
}

describe('numeric parameters', () => {
  it.each(['1e21', '4294967296', '-1', '1.5', '2147483648', '1000001', '0x10', '+1', 'NaN', '99999999999999999999'])(
    'answers epoch %s with 400 INVALID_ARGUMENT naming it',
    async (epoch) => {
      const { status, text } = await request(`/api/runs/run-f/epochs/target/${epoch}/confusion`);
      const body = JSON.parse(text) as ApiError;
      expect([status, body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
      expect(body.error.message).toContain(`Invalid epoch '${epoch}': use a whole number from 1 to 1000000.`);
    },
  );

  it('bounds neuron indices of feature images and compare sides the same way', async () => {
    const feature = await request('/api/runs/run-f/epochs/source/1/layers/conv1/neurons/1e21/feature.png');
    expect([feature.status, JSON.parse(feature.text).error.message]).toEqual([400, "Invalid neuron '1e21': use a whole number from 0 to 65535."]);
    const compare = await request(`/api/compare?a=run-f:source:1&b=${encodeURIComponent('run-f:target:4294967296')}`);
    expect([compare.status, JSON.parse(compare.text).error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });

  it("says 'not found' without naming the store's folder", async () => {
    const { status, text } = await request('/api/runs/nope');
    expect(status).toBe(404);
    expect(JSON.parse(text).error.message).toBe("No run 'nope' in this store. List runs with GET /api/runs.");
  });
});

describe('internal errors', () => {
  it('answer 500 with an error id and no path or stack, and log the details with that id', async () => {
    const failing = await Store.open(db);
    // The injected fault: a store read failing the way a database error would, path and stack included.
    failing.listRuns = () => Promise.reject(new Error(`query failed in ${db}/runs.lance: lance error at /build/node_modules/@lancedb/src/query.rs:88`));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await createApp(failing).request('/api/runs');
      const body = (await res.json()) as ApiError;
      expect(res.status).toBe(500);
      expect(body.error.code).toBe('INTERNAL');
      const id = /^Internal error ([0-9a-f]{8}); the server log has the details\.$/.exec(body.error.message)?.[1];
      expect(id).toBeDefined();
      expect(leaks(JSON.stringify(body))).toBeNull();
      const line = logged.mock.calls.map((args) => args.map(String).join(' ')).find((l) => l.includes(id!));
      expect(line).toContain('query failed in');
    } finally {
      logged.mockRestore();
      failing.close();
    }
  });

  it('keep the message of a 5xx TransferscopeError on the server too', async () => {
    const failing = await Store.open(db);
    failing.getRun = () => Promise.reject(new TransferscopeError('STORE_UNAVAILABLE', `Cannot open the LanceDB store at '${db}'.`));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await createApp(failing).request('/api/runs/run-f');
      const text = await res.text();
      expect([res.status, JSON.parse(text).error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
      expect(text).not.toContain(db);
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      failing.close();
    }
  });
});

// Each route with its slots; a slot's `valid` value reaches as far as the route goes, its `bad` values must stop it.
const BAD_NUMBERS = ['1e21', '4294967296', '-1', '1.5', '2147483648', '0x10', '+1', ' 1', 'NaN', 'Infinity', '1%2E0', '١', '9'.repeat(30), ''];
const SLOTS = {
  id: { valid: 'run-f', bad: ['bad id', "a'b", '..', 'x'.repeat(65), 'nope', '-lead', "' OR 1=1 --", 'run-f\u0000', '%27'] },
  phase: { valid: 'source', bad: ['middle', 'SOURCE', '', 'source\u0000', '1', "source' OR '1'='1"] },
  epoch: { valid: '1', bad: [...BAD_NUMBERS, '0', '1000001'] },
  layer: { valid: 'conv2', bad: ['pool1', '', 'CONV2', 'fc9', '..', "conv2' OR '1'='1"] },
  neuron: { valid: '0', bad: [...BAD_NUMBERS, '65536'] },
  kind: { valid: 'network', bad: ['weights-all', 'NETWORK', ''] },
  reference: { valid: 'source:1', bad: ['source', 'source:1e21', 'target:-1', 'x:1', 'source:1:2', ':', 'source:4294967296'] },
  checkpoint: {
    valid: 'run-f:source:1',
    bad: ['run-f:source', 'run-f:source:1e21', 'bad id:source:1', 'run-f:middle:1', '::', 'run-f:source:4294967296', "a'b:source:1"],
  },
  split: { valid: 'source-validation', bad: ['train', '', 'source-validation\u0000', '..'] },
  extraSet: { valid: 'target-train', bad: ['target-validation', '', 'TARGET-TRAIN', 'target-train\u0000', "target-train' OR '1'='1"] },
  classes: { valid: '0,2', bad: ['3', '0,0', '-1', '1e1', '0,,1', '', 'a', ',', '9'.repeat(30), '0;1'] },
  file: { valid: '0.png', bad: ['1e21.png', '-1.png', '99999999999.png', 'x.png', 'atlas.jpg', '1.5.png', '4294967296.png'] },
} satisfies Record<string, { valid: string; bad: string[] }>;
type Slot = keyof typeof SLOTS;

const ROUTES: { template: string; slots: Slot[] }[] = [
  { template: '/api/runs/{id}', slots: ['id'] },
  { template: '/api/runs/{id}/metrics', slots: ['id'] },
  { template: '/api/runs/{id}/weight-drift', slots: ['id'] },
  { template: '/api/runs/{id}/epochs/{phase}/{epoch}/confusion', slots: ['id', 'phase', 'epoch'] },
  { template: '/api/runs/{id}/epochs/{phase}/{epoch}/layers/{layer}/neurons/{neuron}/feature.png', slots: ['id', 'phase', 'epoch', 'layer', 'neuron'] },
  { template: '/api/runs/{id}/epochs/{phase}/{epoch}/layers/{layer}/weights?from={neuron}&to=0', slots: ['id', 'phase', 'epoch', 'layer', 'neuron'] },
  { template: '/api/runs/{id}/epochs/{phase}/{epoch}/{kind}?reference={reference}', slots: ['id', 'phase', 'epoch', 'kind', 'reference'] },
  {
    template: '/api/runs/{id}/epochs/{phase}/{epoch}/projection/extra?set={extraSet}&classes={classes}',
    slots: ['id', 'phase', 'epoch', 'extraSet', 'classes'],
  },
  { template: '/api/compare?a={checkpoint}&b=run-f:target:1', slots: ['checkpoint'] },
  { template: '/api/compare/important?a=run-f:source:1&b={checkpoint}', slots: ['checkpoint'] },
  { template: '/api/runs/{id}/instances/{split}/{file}', slots: ['id', 'split', 'file'] },
];

function fuzzedPaths(): string[] {
  const paths: string[] = [];
  for (const { template, slots } of ROUTES) {
    for (const corrupt of slots) {
      for (const bad of SLOTS[corrupt].bad) {
        paths.push(slots.reduce((path, slot) => path.replace(`{${slot}}`, encodeURIComponent(slot === corrupt ? bad : SLOTS[slot].valid)), template));
      }
    }
  }
  return paths;
}

describe('fuzzing every route with bad parameters', () => {
  it('never answers 5xx, and no answer leaks a path, a stack or a database message', async () => {
    const paths = fuzzedPaths();
    expect(paths.length).toBeGreaterThan(200);
    const failures: string[] = [];
    for (const path of paths) {
      const { status, text } = await request(path);
      const leak = leaks(text);
      if (status >= 500 || status < 400 || leak !== null) {
        failures.push(`${status} ${path}${leak ? ` leaks ${leak}` : ''}: ${text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
