import { describe, expect, it } from 'vitest';
import { kernelNeurons, readRunLayers, requireMonitoredLayer } from '../../analysis/run-layers.ts';
import { Store } from '../../store/store.ts';
import { ALEXNET_LAYERS } from '../../trainer/alexnet-layers.ts';
import { runMeta } from '../helpers/run-fixture.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const dir = useTempDir();

/** A Sequential topology in tfjs' JSON form: conv -> BN -> depthwise -> pointwise -> GAP -> dense. */
const topology = {
  class_name: 'Sequential',
  config: {
    name: 'own',
    layers: [
      { class_name: 'Conv2D', config: { name: 'stem' } },
      { class_name: 'BatchNormalization', config: { name: 'stem_bn' } },
      { class_name: 'DepthwiseConv2D', config: { name: 'dw' } },
      { class_name: 'Conv2D', config: { name: 'pw' } },
      { class_name: 'GlobalAveragePooling2D', config: { name: 'gap' } },
      { class_name: 'Dense', config: { name: 'fc' } },
    ],
  },
};

describe('readRunLayers', () => {
  it("answers a stored model's monitored layers and links, and AlexNet's for a run stored without one", async () => {
    const store = await Store.open(`${dir}/db`);
    try {
      await store.createRun(runMeta('old'));
      await store.createRun(runMeta('own'));
      await store.putRunModel('own', { topology, monitoredLayers: ['stem', 'dw', 'pw', 'fc'], representationLayer: 'gap' });

      const old = await readRunLayers(store, 'old');
      expect(old.layers).toEqual([...ALEXNET_LAYERS]);
      expect(old.links.every((l) => l.direct)).toBe(true);
      expect(old.neurons('conv1', [5, 5, 3, 32])).toBe(32);

      const own = await readRunLayers(store, 'own');
      expect(own.layers).toEqual(['stem', 'dw', 'pw', 'fc']);
      expect(own.links).toEqual([
        { fromLayer: 'stem', toLayer: 'dw', direct: false, reason: 'depthwise: each channel reads only itself' },
        { fromLayer: 'dw', toLayer: 'pw', direct: true },
        { fromLayer: 'pw', toLayer: 'fc', direct: true },
      ]);
      // A depthwise kernel [kh, kw, in, multiplier] has in * multiplier outputs.
      expect([own.neurons('dw', [3, 3, 8, 2]), own.neurons('pw', [1, 1, 16, 12]), own.neurons('fc', [12, 3])]).toEqual([16, 12, 3]);

      expect(() => requireMonitoredLayer(own, 'stem_bn')).toThrow("Unknown layer 'stem_bn': this run's monitored layers are stem, dw, pw, fc.");
      expect(() => requireMonitoredLayer(own, 'pw')).not.toThrow();
    } finally {
      store.close();
    }
  });

  it('counts neurons from kernel shapes', () => {
    expect([
      kernelNeurons('Conv2D', [3, 3, 4, 6]),
      kernelNeurons('DepthwiseConv2D', [3, 3, 4, 3]),
      kernelNeurons('Dense', [10, 7]),
      kernelNeurons(undefined, []),
    ]).toEqual([6, 12, 7, 0]);
  });
});
