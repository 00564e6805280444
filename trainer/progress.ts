// Terminal progress for long training: epoch, batch, images/s and ETA on one line (a TTY) or a line
// every few seconds (logs, CI).
import type { Phase } from '../core/protocol.ts';
import type { TrainingCallbacks } from './train-loop.ts';

const clock = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function makeProgressPrinter(out: NodeJS.WriteStream = process.stderr): TrainingCallbacks {
  const tty = Boolean(out.isTTY);
  let lastPrint = 0;
  let phaseEpochs = 1;
  let phase: Phase = 'source';
  let phaseStarted = 0;
  let doneBatches = 0;
  let totalBatches = 1;
  return {
    onPhaseStart(p, epochs, batchesPerEpoch) {
      phase = p;
      phaseEpochs = epochs;
      phaseStarted = performance.now();
      doneBatches = 0;
      totalBatches = epochs * batchesPerEpoch;
      out.write(
        `${tty ? '\n' : ''}phase ${p}: ${batchesPerEpoch === 0 ? 'pretrained model, evaluated only' : `${epochs} epochs of ${batchesPerEpoch} batches`}\n`,
      );
    },
    onBatchEnd(b) {
      doneBatches += 1;
      const now = performance.now();
      if (!tty && now - lastPrint < 5000 && b.batch !== b.batches) {
        return;
      }
      lastPrint = now;
      const elapsed = (now - phaseStarted) / 1000;
      const eta = (elapsed / doneBatches) * (totalBatches - doneBatches);
      const line = `${phase} epoch ${b.epoch}/${phaseEpochs}  batch ${b.batch}/${b.batches}  loss ${b.loss.toFixed(3)}  ${b.imagesPerSecond.toFixed(0)} img/s  phase ETA ${clock(eta)}`;
      out.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    onEpochEnd(e) {
      const v = e.evaluation;
      const line = `${e.phase} epoch ${e.epoch} done: loss ${e.loss.toFixed(3)}  acc source-train ${v.accSourceTrain.toFixed(3)}  target-train ${v.accTargetTrain.toFixed(3)}  source-val ${v.accSourceValidation.toFixed(3)}  target-val ${v.accTargetValidation.toFixed(3)}${e.weights ? '  [checkpoint]' : ''}`;
      out.write(tty ? `\r${line}\x1b[K\n` : `${line}\n`);
    },
  };
}
