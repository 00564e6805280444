// "Instances, A | B" in the DVI layout: each checkpoint's projection over its own boundary map, side by side, and
// (within one run, whose projections share a frame through DVI's temporal anchor) B's points drawn on A's map with
// the instances that crossed one of A's boundaries ringed.
import { createMemo, createSignal, Show, type JSX } from 'solid-js';
import type { ProjectionResponse } from '../../core/analysis-protocol.ts';
import type { CompareResponse } from '../../core/compare-protocol.ts';
import type { RunMeta } from '../../core/protocol.ts';
import { matchInstances, predictionChanges, sameValidationData, selectedClassIndices } from './compare-instances-model.ts';
import { checkpointLabel, CompareSideColumn, CompareClassToggles, createCompareClassChoice, createCompareSides, type Side } from './compare-side.tsx';
import type { DataClient } from './data-client.ts';
import { InstanceScatter } from './instance-scatter.tsx';
import type { InstanceMark, InstanceOptionInput } from './instance-option.ts';
import { instanceImageUrl, instancePoints, type InstancePoint } from './instance-model.ts';
import { LayoutSwitch } from './layout-switch.tsx';
import { createProjectionLayer, FITTING } from './projection-layer.ts';
import { boundaryCrossings } from './projection-model.ts';
import { ProjectionProbe } from './projection-probe.tsx';
import { ProjectionTrust } from './projection-trust.tsx';
import { Panel } from './panel.tsx';
import type { Comparison, InstanceLayout } from './url-state.ts';

export interface CompareProjectionsProps {
  client: DataClient;
  compare: Comparison;
  response: CompareResponse;
  onClasses(classes: string[] | undefined): void;
  onLayout(layout: InstanceLayout): void;
}

const HINT =
  "DeepVisualInsight for both checkpoints: each side's own projection of the validation instances over its own decision-boundary " +
  'map (colour = the class the checkpoint gives the decoded spot, white = a boundary; points coloured by true class, cross = source, ' +
  'circle = target). Ringed green: fixed (wrong at A, right at B); red: broken. Within one run, each projection starts from the ' +
  "previous one and is tied to it, so both lie in one frame: \"B's points on A's map\" draws B's places over A's boundaries and rings " +
  "the instances that crossed one of them (green: into their true class's region, red: out of it or between two wrong ones).";

export function CompareProjections(props: CompareProjectionsProps): JSX.Element {
  const sides = createCompareSides('projection', props);
  const requested = (side: Side): ProjectionResponse | null => (sides[side].analysis.drawn() ? (sides[side].analysis.request.value() ?? null) : null);
  const run = (side: Side): RunMeta | null => sides[side].run.value();
  const classNames = (side: Side): string[] => run(side)?.classNames ?? [];

  const classChoice = createCompareClassChoice(classNames, props);
  const { selected } = classChoice;
  const classIndices = (side: Side): Set<number> => new Set(selectedClassIndices(classNames(side), [...selected()]));
  const layers = {
    a: createProjectionLayer(
      () => requested('a'),
      () => classIndices('a'),
    ),
    b: createProjectionLayer(
      () => requested('b'),
      () => classIndices('b'),
    ),
  };
  // What is drawn: each side's projection once its map has loaded.
  const view = (side: Side): ProjectionResponse | null => layers[side].shown();

  const sameData = createMemo(() => {
    const a = run('a');
    const b = run('b');
    return a && b && a.id === props.compare.a.runId && b.id === props.compare.b.runId ? sameValidationData(a, b) : null;
  });
  const pairs = createMemo(() => {
    const a = view('a');
    const b = view('b');
    return a && b && sameData() ? matchInstances(a.result, b.result) : null;
  });
  // Two runs' projections were fitted apart, in frames of their own: B's places mean nothing on A's map.
  const sameRun = (): boolean => props.compare.a.runId === props.compare.b.runId;
  const [bOnA, setBOnA] = createSignal(false);
  const overlay = (): boolean => bOnA() && sameRun() && pairs() !== null;

  const name = (c: number): string => classNames('a')[c] ?? String(c);
  const changeMarks = createMemo(() => {
    const p = pairs();
    if (!p) {
      return undefined;
    }
    return new Map(
      predictionChanges(view('a')!.result, view('b')!.result, p).map((c): [string, InstanceMark] => [
        c.id,
        c.change === 'fixed'
          ? { tone: 'good', note: `fixed: predicted ${name(c.predictedA)} at A, right at B` }
          : { tone: 'bad', note: `broken: right at A, predicted ${name(c.predictedB)} at B` },
      ]),
    );
  });
  const crossings = createMemo(() => {
    const p = pairs();
    const a = view('a');
    const grid = layers.a.grid();
    return overlay() && p && a && grid ? boundaryCrossings(a.result.map, grid, a.result, view('b')!.result, p) : [];
  });
  const crossingMarks = createMemo(
    () =>
      new Map(
        crossings().map((c): [string, InstanceMark] => [
          c.id,
          {
            tone: c.regionB === c.label ? 'good' : 'bad',
            note: `crossed a boundary of A's map: from ${name(c.regionA)}'s region to ${name(c.regionB)}'s (true: ${name(c.label)})`,
          },
        ]),
      ),
  );
  const shownCrossings = createMemo(() => {
    const classes = classIndices('a');
    return crossings().filter((c) => classes.has(c.label)).length;
  });

  const scatterInput = (side: Side): InstanceOptionInput => {
    // With the overlay on, A's chart shows B's places over A's map.
    const drawn = view(side === 'a' && overlay() ? 'b' : side);
    const marks = overlay() ? crossingMarks() : changeMarks();
    const points = drawn ? instancePoints(drawn.result, classIndices(side)) : [];
    // Marked points last, so they are drawn on top of the faded rest.
    const ordered = marks ? [...points.filter((p) => !marks.has(p.id)), ...points.filter((p) => marks.has(p.id))] : points;
    return {
      points: ordered,
      extent: 1,
      classNames: classNames(side),
      imageUrl: (p: InstancePoint) => instanceImageUrl(props.compare[side].runId, p.domain, p.index),
      thumbnails: null,
      ...layers[side].optionInput(),
      ...(marks ? { marks } : {}),
    };
  };
  const inputs = { a: createMemo(() => scatterInput('a')), b: createMemo(() => scatterInput('b')) };

  const renderedKey = (): string =>
    view('a') && view('b') && sameData() !== null
      ? `dvi:${checkpointLabel(props.compare.a)}|${checkpointLabel(props.compare.b)}|${[...selected()].join(',')}${overlay() ? '|b-on-a' : ''}`
      : '';

  const column = (side: Side): JSX.Element => (
    <CompareSideColumn
      side={side}
      id={props.compare[side]}
      isCheckpoint={props.response[side].checkpoint}
      data={sides[side]}
      computing={FITTING}
      testId={`compare-instances-${side}`}
      aside={<Show when={view(side)}>{(p) => <ProjectionTrust metrics={p().result.metrics} testId={`compare-projection-trust-${side}`} />}</Show>}
    >
      <InstanceScatter input={inputs[side]()} onSpot={(x, y, pinned) => layers[side].onSpot(x, y, pinned)} testId={`compare-instance-chart-${side}`} />
      <ProjectionProbe
        spot={layers[side].spot()}
        probabilities={layers[side].probabilities()}
        classNames={classNames(side)}
        onUnpin={() => layers[side].unpin()}
        testId={`compare-projection-probe-${side}`}
      />
    </CompareSideColumn>
  );

  return (
    <Panel class="span-3" title="Instances, A | B" testId="compare-instances" hint={HINT} renderedKey={renderedKey()}>
      <div class="instance-controls">
        <LayoutSwitch layout="dvi" onLayout={(l) => props.onLayout(l)} />
        <CompareClassToggles choice={classChoice} />
        <label
          title={
            sameRun()
              ? "Draw B's places over A's boundary map, ringing the instances that crossed one of A's boundaries"
              : "Only within one run: two runs' projections lie in frames of their own"
          }
        >
          <input type="checkbox" data-testid="compare-b-on-a" disabled={!sameRun()} checked={bOnA()} onChange={(e) => setBOnA(e.currentTarget.checked)} /> B's
          points on A's map
        </label>
        <Show when={overlay()}>
          <span class="muted" data-testid="compare-crossings">
            {shownCrossings()} instance{shownCrossings() === 1 ? '' : 's'} crossed a boundary of A's map
          </span>
        </Show>
      </div>
      <div class="compare-pair">
        {column('a')}
        {column('b')}
      </div>
    </Panel>
  );
}
