// A throwaway redis-server (Debian's package) on a free loopback port for queue and fan-out tests: no disk
// persistence, gone with the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

export interface RedisTestServer {
  /** `redis://127.0.0.1:PORT`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A loopback port that was free a moment ago: redis-server takes a fixed port, not 0 (so does a restarted monitor). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function waitUntilReady(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    server.once('error', (err) => reject(new Error(`redis-server did not start (${err.message}); install it: apt-get install -y redis-server`)));
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${lines.slice(-3).join(' | ')}`)));
    createInterface({ input: server.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('Ready to accept connections')) {
        resolve();
      }
    });
  });
}

/** Starts redis-server on 127.0.0.1; resolves once it accepts connections. */
export async function startRedisServer(): Promise<RedisTestServer> {
  const port = await freePort();
  // `--save ''` and no AOF: nothing is written to disk; BullMQ asks for `noeviction`, the default.
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitUntilReady(server);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (server.exitCode !== null) {
          resolve();
          return;
        }
        server.once('exit', () => resolve());
        server.kill('SIGTERM');
      }),
  };
}
