// The worker messages' validators: what crosses the process boundary is checked field by field.
import { expect, it } from 'vitest';
import { parseWorkerReport, parseWorkerRequest } from '../../core/worker-protocol.ts';

const points = {
  runId: 'r',
  phase: 'target',
  epoch: 1,
  set: 'target-train',
  classes: [0],
  perClassCap: 150,
  count: 1,
  index: [4],
  label: [0],
  predicted: [2],
  x: [0.5],
  y: [-1.25],
};

const analyse = {
  type: 'analyse',
  jobId: 'a-1',
  db: '/tmp/db',
  runId: 'r',
  phase: 'target',
  epoch: 2,
  kinds: ['network'],
  reference: { phase: 'source', epoch: 1 },
};

it('accepts each well-formed request and refuses a malformed one with a one-line INTERNAL error', () => {
  expect(parseWorkerRequest(analyse)).toEqual(analyse);
  const render = { type: 'render-feature', jobId: 'f-1', db: '/tmp/db', runId: 'r', phase: 'source', epoch: 1, layer: 'conv2', neuron: 3 };
  expect(parseWorkerRequest(render)).toEqual(render);
  const extra = { type: 'project-extra', jobId: 'e-1', db: '/tmp/db', runId: 'r', phase: 'target', epoch: 1, set: 'target-train', classes: [0, 3] };
  expect(parseWorkerRequest(extra)).toEqual(extra);
  expect(parseWorkerRequest({ type: 'cancel', jobId: 'a-1' })).toEqual({ type: 'cancel', jobId: 'a-1' });
  for (const bad of [
    null,
    'analyse',
    { ...analyse, jobId: 1 },
    { ...analyse, kinds: ['weights'] },
    { ...analyse, phase: 'middle' },
    { ...analyse, epoch: -1 },
    { ...analyse, reference: { phase: 'source' } },
    // Any model's layer names pass (the worker checks them against the run's model); a name is a non-empty string.
    { ...render, layer: '' },
    { ...render, layer: 2 },
    { ...render, neuron: 1.5 },
    { ...extra, set: 'target-validation' },
    { ...extra, classes: [0, -1] },
    { ...extra, classes: '0,3' },
    { ...analyse, type: 'train' },
  ]) {
    expect(() => parseWorkerRequest(bad)).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: expect.stringMatching(/^Malformed worker request[^\n]*$/) }),
    );
  }
});

it('accepts each well-formed report, png bytes included, and refuses a malformed one', () => {
  const reports = [
    { type: 'progress', jobId: 'a-1', line: 'network: target epoch 1…' },
    { type: 'stored', jobId: 'a-1', kind: 'instances', phase: 'target', epoch: 1 },
    { type: 'done', jobId: 'a-1', computed: 2, stored: 1 },
    { type: 'feature', jobId: 'f-1', png: new Uint8Array([137, 80, 78, 71]) },
    { type: 'extra-points', jobId: 'e-1', points },
    { type: 'failed', jobId: 'a-1', error: { code: 'EPOCH_NOT_FOUND', message: 'Epoch 9 …' } },
  ];
  for (const report of reports) {
    expect(parseWorkerReport(report)).toEqual(report);
  }
  for (const bad of [
    { type: 'stored', jobId: 'a-1', kind: 'weights', phase: 'target', epoch: 1 },
    { type: 'feature', jobId: 'f-1', png: [137, 80] },
    { type: 'extra-points', jobId: 'e-1', points: { ...points, x: ['0.5'] } },
    { type: 'extra-points', jobId: 'e-1', points: { ...points, set: 'everything' } },
    { type: 'failed', jobId: 'a-1', error: { code: 'OOPS', message: 'x' } },
    { type: 'failed', jobId: 'a-1', error: 'stack trace' },
    { type: 'done', jobId: 'a-1', computed: '2', stored: 1 },
  ]) {
    expect(() => parseWorkerReport(bad)).toThrow(/^Malformed worker report/);
  }
});
