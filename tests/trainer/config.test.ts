import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { loadConfig, validateConfig } from '../../trainer/config.ts';

const valid = {
  name: 'ok', source: { kind: 'synthetic-digits', count: 100 }, target: { kind: 'mnist', count: 100 },
  phases: { source: { epochs: 1, learningRate: 0.001 }, target: { epochs: 2, learningRate: 0.001, batchSize: 16 } },
};

describe('config validation', () => {
  it('accepts every shipped config', () => {
    for (const file of readdirSync('configs').filter((f) => f.endsWith('.json'))) {
      expect(loadConfig(`configs/${file}`).name.length).toBeGreaterThan(0);
    }
  });

  it('fills defaults', () => {
    const c = validateConfig(valid);
    expect([c.seed, c.model, c.trainFraction, c.checkpointEvery, c.phases.source.batchSize]).toEqual([42, 'alexnet-32', 0.85, 1, 64]);
  });

  it.each([
    [{ ...valid, name: 'has space' }, /'name' must be/],
    [{ ...valid, source: { kind: 'svhn', count: 100 } }, /'source.kind' must be one of 'synthetic-digits', 'mnist', 'image-folder', 'idx' \(got "svhn"\)/],
    [{ ...valid, target: { kind: 'mnist', count: 20000 } }, /10000/],
    [{ ...valid, phases: { ...valid.phases, source: { epochs: 0, learningRate: 0.1 } } }, /'phases.source.epochs' must be between 1 and 1000 \(got 0\)/],
    [{ ...valid, phases: { ...valid.phases, target: { epochs: 1.5, learningRate: 0.1 } } }, /whole number/],
    [{ ...valid, lr: 3 }, /unknown field 'lr'/],
    [[1, 2], /expected a JSON object/],
  ])('rejects a bad config with a message naming the field (%#)', (raw, message) => {
    expect(() => validateConfig(raw, 'my.json')).toThrow(message);
    try {
      validateConfig(raw, 'my.json');
    } catch (err) {
      expect((err as { code: string }).code).toBe('INVALID_CONFIG');
    }
  });

  it('names a missing file and broken JSON', () => {
    expect(() => loadConfig('configs/nope.json')).toThrow(/Cannot read config file 'configs\/nope.json'/);
    expect(() => loadConfig('package-lock.json')).toThrow(/unknown field|must be/);
  });
});
