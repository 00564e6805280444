// Runs the `transferscope` CLI as a child process, as a user would, and collects its exit code and output.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Exit code, stdout and stderr of `node bin/transferscope.js ...args`; a failing exit code resolves too. */
export async function runCli(args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/transferscope.js', ...args], { timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
