// The statistics view (paper §5.1): accuracy of both models over the run, the transferability score, and the
// per-class confusion table, all at the scrubbed epoch.
import { createMemo, Show, type JSX } from 'solid-js';
import type { RunMeta } from '../../core/protocol.ts';
import { AccuracyChart } from './accuracy-chart.tsx';
import { ConfusionTable } from './confusion-table.tsx';
import type { DataClient } from './data-client.ts';
import type { EpochPin } from './epochs.ts';
import { createLatestRequest } from './latest-request.ts';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import type { Timeline } from './timeline.ts';
import { TRANSFERABILITY_HINT, TransferabilityScore } from './transferability-score.tsx';
import { WeightDriftPanel } from './weight-drift-panel.tsx';

export interface StatisticsViewProps {
  client: DataClient;
  run: RunMeta | null;
  timeline: Timeline;
}

interface ConfusionKey extends EpochPin {
  runId: string;
}

const sameKey = (a: ConfusionKey | null, b: ConfusionKey | null): boolean =>
  a === b || (a !== null && b !== null && a.runId === b.runId && a.phase === b.phase && a.epoch === b.epoch);

export function StatisticsView(props: StatisticsViewProps): JSX.Element {
  const current = (): ReturnType<Timeline['current']> => props.timeline.current();
  const key = createMemo<ConfusionKey | null>(
    () => {
      const runId = props.run?.id;
      const at = current();
      return runId && at ? { runId, phase: at.phase, epoch: at.epoch } : null;
    },
    null,
    { equals: sameKey },
  );
  const confusion = createLatestRequest(key, (k, signal) => props.client.confusion(k.runId, k, signal));
  const shownAt = (): JSX.Element => {
    const at = current();
    return at ? `${at.phase} · epoch ${at.epoch}` : '';
  };

  // Which step every panel currently shows, or '' while any is still loading: tests and the scrub-latency
  // benchmark wait on it instead of guessing with timeouts.
  const renderedStep = (): string => {
    const at = current();
    const shown = confusion.value();
    return at && shown && !confusion.loading() && shown.at.step === at.step ? String(at.step) : '';
  };

  return (
    <div class="statistics" data-testid="statistics-view" data-rendered-step={renderedStep()}>
      <Panel
        class="span-2"
        title="Accuracy"
        testId="accuracy-panel"
        hint={
          'Accuracy after each epoch of both phases. Colour: the data set; × the source model, ● the fine-tuned ' +
          'target model. "validation" is the model\'s own domain. The dashed line is the phase boundary, the solid ' +
          'line the epoch shown.'
        }
        aside={shownAt()}
      >
        <AccuracyChart epochs={props.client.state.epochs} at={current()} planned={props.run?.plannedEpochs ?? null} />
      </Panel>

      <Panel title="Transferability" hint={TRANSFERABILITY_HINT} testId="transferability-panel" aside={shownAt()}>
        <Show when={!confusion.error()} fallback={<Notice kind="error">{confusion.error()}</Notice>}>
          <TransferabilityScore value={confusion.value()?.transferability ?? null} />
        </Show>
      </Panel>

      <Panel
        class="span-3"
        title="Per-class accuracy on target validation"
        testId="confusion-panel"
        hint={
          'For each class of the target domain: the source model (its latest epoch up to the one shown) against ' +
          'the target model at the epoch shown, and which classes its instances are mistaken for. Click a header ' +
          'to sort; click again to reverse.'
        }
        aside={
          <>
            <Show when={confusion.loading()}>
              <span class="muted">loading… </span>
            </Show>
            {/* During the source phase the source column is the shown epoch itself, so this only says something new later. */}
            <Show when={current()?.phase === 'target' && confusion.value()?.sourceReference}>
              {(ref) => <span class="muted">source column: source · epoch {ref().epoch} · </span>}
            </Show>
            {shownAt()}
          </>
        }
      >
        <Show when={!confusion.error()} fallback={<Notice kind="error">{confusion.error()}</Notice>}>
          <Show when={confusion.value()} fallback={<Notice kind="info">{current() ? 'Loading the confusion table…' : 'Waiting for the first epoch…'}</Notice>}>
            {(response) => <ConfusionTable rows={response().rows} />}
          </Show>
        </Show>
      </Panel>

      <WeightDriftPanel
        class="span-3"
        runId={props.run?.id ?? null}
        revision={props.client.state.epochs.filter((e) => e.checkpoint).length}
        load={(runId, signal) => props.client.weightDrift(runId, signal)}
        marks={[]}
        marker={current()?.phase === 'target' ? current()!.epoch : null}
      />
    </div>
  );
}
