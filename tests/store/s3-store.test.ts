// The store on object storage: a real S3-compatible server on loopback (tests/helpers/s3-server.ts), LanceDB
// talking to it over HTTP, and two writer processes committing into one store at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Store } from '../../store/store.ts';
import { childEnv } from '../../store/storage-options.ts';
import type { AnalysisResults } from '../../core/analysis-protocol.ts';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

let server: S3TestServer;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  // Unset when the setup failed.
  await (server as S3TestServer | undefined)?.stop();
});

const projection = (seconds: number) => ({ seconds, points: [] }) as unknown as AnalysisResults['instances'];

describe('Store on s3://', () => {
  it('writes a run, its epochs, instances and analyses into the bucket and reads them back through a new connection', async () => {
    const uri = server.uri('round-trip');
    const writer = await Store.open(uri, { storageOptions: server.storageOptions });
    await writer.createRun(runMeta('s1'));
    await writer.putInstances('s1', [
      { split: 'target-validation', labels: Int32Array.from([1, 0]), height: 1, width: 1, pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]) },
    ]);
    await writer.commitEpoch('s1', {
      record: epochRecord('source', 1, 1, 0.4),
      predictions: [{ split: 'target-validation', predicted: Int16Array.from([1, 1]) }],
      weights: [layerWeights('conv1', 3, 0.5), layerWeights('fc8', 4, -1)],
    });
    await writer.commitEpoch('s1', { record: epochRecord('target', 1, 2, 0.7), predictions: [] });
    await writer.updateRun({ ...(await writer.getRun('s1')), status: 'finished' });
    const key = { runId: 's1', phase: 'source', epoch: 1, referencePhase: null, referenceEpoch: null } as const;
    await writer.putAnalysis('instances', key, projection(1.5));
    await expect(writer.putAnalysis('instances', key, projection(9))).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    writer.close();

    const reader = await Store.open(uri, { storageOptions: server.storageOptions });
    expect((await reader.listRuns()).map((r) => [r.id, r.status, r.lastEpoch?.step])).toEqual([['s1', 'finished', 2]]);
    expect((await reader.listEpochs('s1')).map((e) => [e.phase, e.epoch, e.checkpoint])).toEqual([
      ['source', 1, true],
      ['target', 1, false],
    ]);
    const weights = await reader.getWeights({ runId: 's1', phase: 'source', epoch: 1 });
    expect(weights.map((w) => [w.layer, w.kernelShape])).toEqual([
      ['conv1', [3, 2]],
      ['fc8', [4, 2]],
    ]);
    expect(weights[1]!.kernel[3]).toBeCloseTo(-1 + 3 / 1000, 6);
    expect(Array.from((await reader.getPredictions({ runId: 's1', phase: 'source', epoch: 1 })).get('target-validation')!)).toEqual([1, 1]);
    expect(Array.from((await reader.getInstances('s1', 'target-validation')).pixels)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await reader.getAnalysis('instances', key)).toEqual({ seconds: 1.5, points: [] });
    expect(await reader.hasAnalysis('instances', { ...key, epoch: 2 })).toBe(false);
    reader.close();

    // The tables are objects in the bucket, and nothing was written to a local folder named after the URI.
    expect(
      readdirSync(join(server.directory, 'transferscope'), { recursive: true })
        .map(String)
        .some((p) => p.startsWith(join('round-trip', 'epochs.lance'))),
    ).toBe(true);
    expect(existsSync('s3:')).toBe(false);
  });

  it('refuses unknown credentials in one line that names the store but never the secret', async () => {
    const secret = 'not-the-secret-7f3a';
    const failure = Store.open(server.uri('denied'), {
      storageOptions: { ...server.storageOptions, aws_access_key_id: 'NOBODY', aws_secret_access_key: secret },
    });
    await expect(failure).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const message = ((await failure.catch((err: unknown) => err)) as Error).message;
    expect(message).toMatch(/^Cannot open the LanceDB store at 's3:\/\/transferscope\/denied' \(.+\)\. Check --db/);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('\n');
  });

  it('keeps every epoch of two writer processes committing into one store at once (DynamoDB commit store)', async () => {
    const uri = server.uriWithCommitStore('concurrent');
    // Creating the tables is itself a commit; the writers then only append to existing tables.
    (await Store.open(uri, { storageOptions: server.storageOptions })).close();
    const recordsBefore = await server.commitRecords();
    const count = 6;
    const writer = (runId: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'tests/store/fixtures/commit-epochs.ts', uri, runId, String(count)], {
        env: childEnv({ uri, storageOptions: server.storageOptions }),
        timeout: 240_000,
      });
    await Promise.all([writer('writer-a'), writer('writer-b')]);

    const reader = await Store.open(uri, { storageOptions: server.storageOptions });
    expect((await reader.listRuns()).map((r) => r.id).sort()).toEqual(['writer-a', 'writer-b']);
    for (const runId of ['writer-a', 'writer-b']) {
      const epochs = await reader.listEpochs(runId);
      expect(epochs.map((e) => [e.epoch, e.accSourceTrain, e.checkpoint])).toEqual(
        Array.from({ length: count }, (_, i) => [i + 1, (i + 1) / 100, (i + 1) % 2 === 0]),
      );
      for (const e of epochs) {
        const predicted = (await reader.getPredictions({ runId, phase: 'target', epoch: e.epoch })).get('target-validation')!;
        expect(Array.from(predicted)).toEqual([e.epoch, e.epoch + 1, e.epoch + 2]);
        if (e.checkpoint) {
          const weights = await reader.getWeights({ runId, phase: 'target', epoch: e.epoch });
          expect(weights.map((w) => [w.layer, w.bias[0]])).toEqual([['fc8', e.epoch]]);
        }
      }
    }
    reader.close();
    // Every commit went through the commit table: a run row and, per epoch, its rows in two or three tables.
    expect(await server.commitRecords()).toBeGreaterThanOrEqual(recordsBefore + 2 * (1 + count * 2));
  }, 300_000);
});
