import { defineConfig } from 'vitest/config';

// Tests run in Node; several start tfjs-wasm, LanceDB or Chromium, so files run in forked processes
// and get generous timeouts (the machines have 2 cores and no GPU).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    allowOnly: false,
  },
});
