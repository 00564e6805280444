// The Redis flags as the CLI meets them, each in a child process: a missing or malformed --redis, a Redis that does
// not answer (its password never printed), a bad --concurrency or --kind. Each stops with exit code 2 and one line
// on stderr, before the store is created.
import { expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../helpers/temp-dir.ts';
import { runCli } from '../helpers/cli.ts';

const dir = useTempDir();
const db = join(dir, 'db');

it('refuses each bad Redis flag in one line with exit 2, without a password and without creating the store', async () => {
  const cases: [string[], RegExp][] = [
    [['worker', '--db', db], /^transferscope: Missing --redis URL \(or TRANSFERSCOPE_REDIS\)/],
    [['worker', '--db', db, '--redis', 'http://example.org'], /^transferscope: --redis takes a Redis URL such as redis:\/\/127\.0\.0\.1:6379/],
    // Port 1 on loopback: nothing listens there.
    [
      ['worker', '--db', db, '--redis', 'redis://admin:s3cret-pw@127.0.0.1:1'],
      /^transferscope: Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*\)\. Start it, or fix --redis\.$/,
    ],
    [['serve', '--db', db, '--redis', 'redis://127.0.0.1:1', '--port', '0'], /^transferscope: Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 /],
    [
      ['worker', '--db', db, '--redis', 'redis://127.0.0.1:1', '--concurrency', '0'],
      /^transferscope: --concurrency takes a whole number of jobs at once from 1 to 64 \(got '0'\)/,
    ],
    [['serve', '--db', db, '--kind', 'everything'], /^transferscope: Unknown --kind 'everything': use network, instances, projection, features/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args, 60_000)));
  results.forEach((result, i) => {
    const lines = result.stderr.trim().split('\n');
    expect([result.code, lines]).toEqual([2, [expect.stringMatching(cases[i]![1])]]);
    expect(result.stderr).not.toContain('s3cret-pw');
  });
  expect(existsSync(db)).toBe(false);
}, 90_000);
