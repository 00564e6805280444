// Command-line flags of the bench scripts that run on their own (bench/refine.ts, bench/refine-parallel.ts).

/** The value of `--name=value` on the command line, else `fallback`. */
export function flag(name: string, fallback: string): string {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3);
}
