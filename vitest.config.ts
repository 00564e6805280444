import { defineConfig } from 'vitest/config';

// Tests run in Node; several start tfjs-wasm, LanceDB or Chromium, so files run in forked processes
// and get generous timeouts (the machines have 2 cores and no GPU).
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    allowOnly: false,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/dashboard/src/**'] },
      },
      {
        // Under Node's own conditions `solid-js` resolves to its server build, where memos never recompute and
        // effects never run. Vitest hands these conditions to the test processes (`--conditions`), so the
        // dashboard's unit tests get Solid's reactive development build; other tests keep Node's resolution.
        extends: true,
        test: { name: 'dashboard', include: ['tests/dashboard/src/**/*.test.ts'] },
        ssr: { resolve: { conditions: ['browser', 'development'] } },
      },
    ],
  },
});
