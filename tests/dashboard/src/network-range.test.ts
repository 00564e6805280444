import { describe, expect, test } from 'vitest';
import {
  DEFAULT_SHOWN_LAYERS,
  defaultLayerRange,
  formatLayerRange,
  layerRangeNames,
  moveRangeEnd,
  parseLayerRange,
  rangeAround,
  resolveLayerRange,
} from '../../../dashboard/src/network-range.ts';

const ALEXNET = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8'];
// ResNet-20's 20 weighted layers, as its model names them.
const RESNET = [
  'stem_conv',
  ...[1, 2, 3].flatMap((stage) => [1, 2, 3].flatMap((block) => [1, 2].map((conv) => `stage${stage}_block${block}_conv${conv}`))),
  'fc',
];

describe('parseLayerRange', () => {
  test('reads FROM..TO, trimming the ends', () => {
    expect(parseLayerRange('stage2_block1_conv1..stage3_block3_conv2')).toEqual({ from: 'stage2_block1_conv1', to: 'stage3_block3_conv2' });
    expect(parseLayerRange(' conv2 .. fc6 ')).toEqual({ from: 'conv2', to: 'fc6' });
  });

  test('splits at the first separator, so a name may hold single dots', () => {
    expect(parseLayerRange('block.1..block.3')).toEqual({ from: 'block.1', to: 'block.3' });
  });

  test('a missing parameter, a missing end or a missing separator is no range', () => {
    for (const text of [null, '', 'conv1', 'conv1..', '..fc8', '..', 'conv1.fc8']) {
      expect(parseLayerRange(text)).toBeNull();
    }
  });

  test('formatLayerRange is its inverse', () => {
    const range = { from: 'stage1_block3_conv2', to: 'fc' };
    expect(parseLayerRange(formatLayerRange(range))).toEqual(range);
  });
});

describe('resolveLayerRange', () => {
  test('without a request: every layer of a network of at most eight, else the last eight', () => {
    expect(resolveLayerRange(ALEXNET, null)).toEqual({ first: 0, last: 7 });
    expect(resolveLayerRange(ALEXNET.slice(0, 3), null)).toEqual({ first: 0, last: 2 });
    expect(resolveLayerRange(RESNET, null)).toEqual({ first: RESNET.length - DEFAULT_SHOWN_LAYERS, last: 19 });
  });

  test('named layers resolve to their positions, in model order whichever end came first', () => {
    expect(resolveLayerRange(RESNET, { from: 'stage2_block1_conv1', to: 'stage3_block3_conv2' })).toEqual({ first: 7, last: 18 });
    expect(resolveLayerRange(RESNET, { from: 'stage3_block3_conv2', to: 'stage2_block1_conv1' })).toEqual({ first: 7, last: 18 });
    expect(resolveLayerRange(RESNET, { from: 'fc', to: 'fc' })).toEqual({ first: 19, last: 19 });
  });

  test("a layer the list lacks (another model's link, a typo) falls back to the default range", () => {
    expect(resolveLayerRange(RESNET, { from: 'conv2', to: 'fc' })).toEqual(defaultLayerRange(20));
    expect(resolveLayerRange(ALEXNET, { from: 'conv2', to: 'fc' })).toEqual({ first: 0, last: 7 });
  });

  test('an empty list resolves to an empty range, which names nothing', () => {
    const range = resolveLayerRange([], { from: 'conv1', to: 'fc8' });
    expect(range).toEqual({ first: 0, last: -1 });
    expect(layerRangeNames([], range)).toBeNull();
  });
});

describe('moving the range', () => {
  test('moving one end past the other drags the other along', () => {
    expect(moveRangeEnd({ first: 2, last: 5 }, 'first', 4)).toEqual({ first: 4, last: 5 });
    expect(moveRangeEnd({ first: 2, last: 5 }, 'first', 9)).toEqual({ first: 9, last: 9 });
    expect(moveRangeEnd({ first: 2, last: 5 }, 'last', 1)).toEqual({ first: 1, last: 1 });
    expect(moveRangeEnd({ first: 2, last: 5 }, 'last', 7)).toEqual({ first: 2, last: 7 });
  });

  test('rangeAround keeps the width and centres the picked layer, clamped to the ends', () => {
    expect(rangeAround(20, 10, { first: 12, last: 19 })).toEqual({ first: 7, last: 14 });
    expect(rangeAround(20, 0, { first: 12, last: 19 })).toEqual({ first: 0, last: 7 });
    expect(rangeAround(20, 19, { first: 0, last: 2 })).toEqual({ first: 17, last: 19 });
    expect(rangeAround(8, 3, { first: 0, last: 7 })).toEqual({ first: 0, last: 7 });
    expect(rangeAround(20, 4, { first: 4, last: 4 })).toEqual({ first: 4, last: 4 });
  });

  test('layerRangeNames names the ends for the URL', () => {
    expect(layerRangeNames(RESNET, { first: 7, last: 18 })).toEqual({ from: 'stage2_block1_conv1', to: 'stage3_block3_conv2' });
  });
});
