// The CLI on object storage: `train` the smoke config into s3:// on a loopback S3 server, then `serve` it from
// another process and read the run back through the API, including an analysis its child process computes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { MetricsResponse, RunMeta } from '../../core/protocol.ts';
import type { AnalysisResponse } from '../../core/analysis-protocol.ts';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.ts';

const run = promisify(execFile);
let server: S3TestServer;
let db: string;
let serve: ChildProcess;
let url: string;

/** Endpoint, region and plain HTTP as flags; the credentials as each case chooses. */
const endpointFlags = () => [
  '--storage-option',
  `aws_endpoint=${server.endpoint}`,
  '--storage-option',
  'aws_region=us-east-1',
  '--storage-option',
  'allow_http=true',
];

async function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/transferscope.js', ...args], { env, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  server = await startS3Server();
  db = server.uri('smoke-store');
  // Credentials from the environment, as a deployment would set them.
  const trained = await cli(['train', '--config', 'configs/digits-smoke.json', '--db', db, '--run', 'smoke', ...endpointFlags()], {
    ...process.env,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
  });
  expect(trained.stderr).toContain('transferscope: run smoke stored in s3://transferscope/smoke-store');
  expect(trained.code).toBe(0);
  // Credentials as flags only: serve's analysis children can reach the store only if serve hands them down.
  serve = spawn(
    process.execPath,
    [
      'bin/transferscope.js',
      'serve',
      '--db',
      db,
      '--port',
      '0',
      ...endpointFlags(),
      '--storage-option',
      `aws_access_key_id=${server.accessKeyId}`,
      '--storage-option',
      `aws_secret_access_key=${server.secretAccessKey}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  url = await new Promise<string>((resolve, reject) => {
    serve.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    createInterface({ input: serve.stdout! }).on('line', (line) => {
      const found = /monitor on (\S+) \(store (\S+)\)/.exec(line);
      if (found) {
        expect(found[2]).toBe(db);
        resolve(found[1]!);
      }
    });
  });
}, 300_000);

afterAll(async () => {
  // Unset when the setup failed.
  if ((serve as ChildProcess | undefined)?.exitCode === null) {
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  await (server as S3TestServer | undefined)?.stop();
});

describe('digits-smoke trained into s3:// and served from it', () => {
  it('serves the run and both epochs that another process trained into the bucket', async () => {
    const meta = (await (await fetch(`${url}api/runs/smoke`)).json()) as RunMeta;
    expect(meta.status).toBe('finished');
    expect(meta.classNames).toHaveLength(10);
    const metrics = (await (await fetch(`${url}api/runs/smoke/metrics`)).json()) as MetricsResponse;
    expect(metrics.epochs.map((e) => [e.phase, e.epoch, e.checkpoint])).toEqual([
      ['source', 1, true],
      ['target', 1, true],
    ]);
  });

  it('computes an analysis in a child process that reaches the bucket with the options serve was given', async () => {
    const res = await fetch(`${url}api/runs/smoke/epochs/target/1/instances`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as AnalysisResponse<'instances'>;
    expect(body.key).toMatchObject({ runId: 'smoke', phase: 'target', epoch: 1 });
    // A layout of both domains' validation instances, computed from the checkpoint's weights in the bucket.
    expect(body.result.count).toBeGreaterThan(0);
    expect(new Set(body.result.domain)).toEqual(new Set([0, 1]));
    expect(body.result.x).toHaveLength(body.result.count);
  }, 240_000);

  it('refuses a malformed --storage-option with one line and exit 2, before touching the store', async () => {
    // Without '=' the text may be a pasted secret, so only its position is named.
    const bad = await cli(['serve', '--db', db, ...endpointFlags(), '--storage-option', 'wJalrXUtnFEMI-secret']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^transferscope: Invalid --storage-option number 4 \(its key is missing/)]);
    expect(bad.stderr).not.toContain('wJalrXUtnFEMI');
  });
});
