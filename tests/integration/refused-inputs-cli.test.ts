// Hostile or broken inputs as the CLI meets them, each in a child process: a missing data folder or model, a model.json
// that is not JSON, a config nested 100,000 deep, a gzip bomb, /dev/zero, numbers past their bounds. Each must stop with
// exit code 2 and one line on stderr, quote no file contents, and leave no store folder behind.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../../datasets/idx-file.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { runCli } from '../helpers/cli.ts';

const dir = useTempDir();
const db = join(dir, 'db');

const cli = (...args: string[]) => runCli(args, 60_000);

const DIGITS = { kind: 'synthetic-digits', count: 20 };

function writeConfig(name: string, fields: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      seed: 1,
      model: 'alexnet-32',
      evalTrainSamples: 10,
      source: DIGITS,
      target: DIGITS,
      phases: { source: { epochs: 1, batchSize: 8, learningRate: 0.001 }, target: { epochs: 1, batchSize: 8, learningRate: 0.001 } },
      ...fields,
    }),
  );
  return file;
}

/** Asserts the refusal: exit 2, exactly one stderr line matching `pattern`, nothing on stdout, no store created. */
async function expectRefused(args: string[], pattern: RegExp): Promise<string> {
  const result = await cli(...args);
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  expect({ code: result.code, lines: lines.length, stdout: result.stdout }).toEqual({ code: 2, lines: 1, stdout: '' });
  expect(lines[0]).toMatch(pattern);
  expect(existsSync(db)).toBe(false);
  return lines[0]!;
}

const train = (config: string) => ['train', '--config', config, '--db', db, '--backend', 'cpu'];

let labels: string;
beforeAll(() => {
  labels = join(dir, 'labels.idx');
  writeFileSync(labels, encodeIdx([1000], new Uint8Array(1000)));
});

describe('train refuses broken configs before creating a store', () => {
  it('a missing image folder', async () => {
    const config = writeConfig('no-folder', { source: { kind: 'image-folder', path: 'nowhere/amazon' } });
    await expectRefused(train(config), /^transferscope: The source image folder '.*nowhere\/amazon' does not exist\./);
  });

  it('a missing IDX file', async () => {
    const config = writeConfig('no-idx', { target: { kind: 'idx', images: 'missing-images.idx', labels: 'labels.idx' } });
    await expectRefused(train(config), /^transferscope: IDX file '.*missing-images\.idx' cannot be read\./);
  });

  it('a missing pretrained model', async () => {
    const config = writeConfig('no-model', { pretrained: { path: 'models/none/model.json' } });
    await expectRefused(train(config), /^transferscope: The pretrained model '.*model\.json' is not a file\./);
  });

  it('a pretrained model.json that is not JSON, without quoting it', async () => {
    writeFileSync(join(dir, 'garbage.json'), `PRIVATE-BYTES ${'\u0001\u0002'.repeat(20)} {not json`);
    const config = writeConfig('garbage-model', { pretrained: { path: 'garbage.json' } });
    const line = await expectRefused(train(config), /^transferscope: Cannot read the pretrained model '.*garbage\.json': it is not valid JSON\./);
    expect(line).not.toContain('PRIVATE');
  });

  it('a config nested 100,000 deep', async () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    await expectRefused(train(file), /^transferscope: Config file '.*deep\.json' nests objects and arrays 100000 deep; a config needs at most \d+\.$/);
  });

  it('a gzip bomb as IDX images: inflated only up to what the header announces', async () => {
    // 784,016 announced bytes, then concatenated gzip members of 64 MiB of zeros each: 4.3 GB once inflated.
    const header = gzipSync(encodeIdx([1000, 28, 28], new Uint8Array(1000 * 28 * 28)));
    const zeros = gzipSync(Buffer.alloc(64 << 20));
    writeFileSync(join(dir, 'bomb.idx.gz'), Buffer.concat([header, ...Array.from({ length: 64 }, () => zeros)]));
    const config = writeConfig('bomb', { source: { kind: 'idx', images: 'bomb.idx.gz', labels: 'labels.idx' } });
    await expectRefused(train(config), /^transferscope: '.*bomb\.idx\.gz' inflates to more than the 784016 bytes its IDX header announces/);
  });

  it('an IDX header announcing more than the size limit', async () => {
    writeFileSync(join(dir, 'huge.idx.gz'), gzipSync(encodeIdx([4_000_000_000, 28, 28], new Uint8Array(64))));
    const config = writeConfig('huge', { source: { kind: 'idx', images: 'huge.idx.gz', labels: 'labels.idx' } });
    await expectRefused(train(config), /^transferscope: '.*huge\.idx\.gz' announces 4000000000x28x28 values, more than the \d+ an IDX file may hold/);
  });

  it('/dev/zero as an IDX file', async () => {
    const config = writeConfig('dev-zero', { source: { kind: 'idx', images: '/dev/zero', labels: 'labels.idx' } });
    await expectRefused(train(config), /^transferscope: IDX file '\/dev\/zero' is not a regular file/);
  });

  it('/dev/zero as the config itself', async () => {
    await expectRefused(train('/dev/zero'), /^transferscope: Cannot read config file '\/dev\/zero': it is not a regular file\./);
  });

  it('demo: a missing data folder stops it before the store and the monitor', async () => {
    const config = writeConfig('demo-no-folder', { target: { kind: 'image-folder', path: 'nowhere/webcam' } });
    await expectRefused(
      ['demo', '--config', config, '--db', db, '--port', '0'],
      /^transferscope: The target image folder '.*nowhere\/webcam' does not exist\./,
    );
  });
});

describe('numbers past their bounds exit 2 with one line', () => {
  it.each([
    [
      ['feature', '--db', db, '--run', 'r', '--phase', 'target', '--epoch', '1', '--layer', 'fc7', '--neuron', '1e21', '--out', join(dir, 'x.png')],
      /Invalid --neuron '1e21': use a whole number from 0 to 65535\./,
    ],
    [
      ['feature', '--db', db, '--run', 'r', '--phase', 'target', '--epoch', '4294967296', '--layer', 'fc7', '--neuron', '1', '--out', join(dir, 'x.png')],
      /Invalid epoch '4294967296'/,
    ],
    [['analyze', '--db', db, '--run', 'r', '--phase', 'source', '--epoch=-1'], /Invalid epoch '-1'/],
    [['analyze', '--db', db, '--run', 'r', '--phase', 'source', '--epoch', '-1'], /argument is ambiguous\. Did you forget/],
    [['analyze', '--db', db, '--run', 'r', '--settings', 'captum'], /Unknown --settings 'captum': use live or paper\./],
    [['serve', '--db', db, '--host', '0.0.0.0', '--token', 'short'], /Invalid --token: use 8-256 printable ASCII characters/],
    [['serve', '--db', db, '--port', '1e3'], /Invalid --port '1e3': use a whole number from 0 to 65535\./],
    [['serve', '--db', db, '--analysis-workers', '0'], /--analysis-workers takes a whole number of analyses at once from 1 to 64 \(got '0'\)\./],
    [['train', '--config', 'configs/digits-smoke.json', '--db', db, '--run', "x' OR '1'='1"], /Invalid run id/],
  ])('%j', async (args, pattern) => {
    await expectRefused(args, pattern);
  });
});

describe('serve on a network address', () => {
  it('warns in one line that the API is reachable from the network, suggesting --token', async () => {
    const child = spawn(process.execPath, ['bin/transferscope.js', 'serve', '--db', join(dir, 'network-db'), '--host', '0.0.0.0', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      // The monitor prints its URL once listening; the warning comes before it.
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('monitor on') && resolve());
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      expect(stderr).toBe(
        'transferscope: warning: --host 0.0.0.0 makes the API reachable from the network; pass --token T (or set TRANSFERSCOPE_TOKEN) to require a token.\n',
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 60_000);
});
