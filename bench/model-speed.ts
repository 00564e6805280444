// Training against inference cost of the built-in ResNet-20 and MobileNet-style networks on the
// default backend (WASM + our training kernels), as bench/train-speed.ts does for the scaled AlexNet.
// Run alone: npx tsx bench/model-speed.ts
import { pathToFileURL } from 'node:url';
import { buildMobileNet32 } from '../trainer/models/mobilenet-32.ts';
import { buildResNet20 } from '../trainer/models/resnet-20.ts';
import { timeTrainVsInfer, type TrainSpeedOptions, type TrainSpeedResult } from './train-speed.ts';

export interface ModelSpeedResult {
  resnet20: TrainSpeedResult;
  mobilenet: TrainSpeedResult;
}

/**
 * Times predict and one Adam training step (batch 64 unless `opts` says otherwise) for ResNet-20 and
 * then MobileNet-32, one model alive at a time; reports images/s both ways and the cost ratio.
 */
export async function measureModelSpeeds(opts: TrainSpeedOptions = {}): Promise<ModelSpeedResult> {
  const resnet20 = await timeTrainVsInfer(() => buildResNet20({ classCount: 10, seed: 3 }), opts);
  const mobilenet = await timeTrainVsInfer(() => buildMobileNet32({ classCount: 10, seed: 3 }), opts);
  return { resnet20, mobilenet };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureModelSpeeds();
  console.log(JSON.stringify(result));
}
