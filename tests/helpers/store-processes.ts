// The processes working on one store, read from Linux's /proc: tests count, and read the state or niceness of, the
// analysis workers a monitor forks (their command lines name the store). No vitest import: fixtures run it too.
import { readdirSync, readFileSync } from 'node:fs';

export interface StoreProcess {
  pid: number;
  /** The command line, split at its NULs. */
  args: string[];
  /** /proc/PID/stat's fields after the command's closing parenthesis: [0] is the state ('R', 'S', 'T' …), [16] the niceness. */
  stat: string[];
}

/** Every live process whose command line names `db`; one that ends while being read is left out. */
export function storeProcesses(db: string): StoreProcess[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        if (!args.includes(db)) {
          return [];
        }
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
          .replace(/^.*\) /, '')
          .split(' ');
        return [{ pid: Number(pid), args, stat }];
      } catch {
        return []; // a process that ended while being read
      }
    });
}

/** The value after `flag` on a process's command line (undefined when absent). */
export function argAfter(process: StoreProcess, flag: string): string | undefined {
  const at = process.args.indexOf(flag);
  return at < 0 ? undefined : process.args[at + 1];
}

/** The analysis workers (`analyse` children) of the store `db`, optionally only those computing `kind`. */
export function analysisProcesses(db: string, kind?: string): StoreProcess[] {
  return storeProcesses(db).filter((p) => p.args.includes('analyse') && (kind === undefined || argAfter(p, '--kind') === kind));
}
