// "Instances, A | B": both checkpoints' t-SNE layouts (paper §5.2) side by side for the same classes, B aligned onto
// A when they hold the same instances, and the instances whose prediction changed ringed in both and listed.
import { createMemo, Show, type JSX } from 'solid-js';
import type { CompareResponse } from '../../core/compare-protocol.ts';
import type { InstanceProjection } from '../../core/instances-protocol.ts';
import type { RunMeta } from '../../core/protocol.ts';
import { alignOnto, changeCounts, matchInstances, predictionChanges, sameValidationData, selectedClassIndices } from './compare-instances-model.ts';
import { CompareInstanceChanges } from './compare-instance-changes.tsx';
import { checkpointLabel, CompareSideColumn, CompareClassToggles, createCompareClassChoice, createCompareSides, type Side } from './compare-side.tsx';
import type { DataClient } from './data-client.ts';
import { InstanceScatter } from './instance-scatter.tsx';
import type { InstanceMark } from './instance-option.ts';
import { instanceImageUrl, instancePoints, layoutExtent, type InstancePoint } from './instance-model.ts';
import { InstanceTrust } from './instance-trust.tsx';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import type { Comparison, InstanceLayout } from './url-state.ts';
import { LayoutSwitch } from './layout-switch.tsx';

export interface CompareInstancesProps {
  client: DataClient;
  compare: Comparison;
  response: CompareResponse;
  /** Replaces the comparison's classes (undefined: every class). */
  onClasses(classes: string[] | undefined): void;
  onLayout(layout: InstanceLayout): void;
}

const HINT =
  "Paper §5.2 for both checkpoints: each side's own t-SNE layout of the validation instances of both domains (colour = " +
  'true class, cross = source, circle = target, dark border = mispredicted). Two layouts are separate t-SNE runs, so ' +
  'when A and B hold the same instances (one run, or two runs over the same data) B is rotated, scaled and shifted ' +
  'onto A (Procrustes over every shared instance) and both share one scale. Ringed green: fixed (wrong at A, right ' +
  'at B); ringed red: broken (right at A, wrong at B); the rest fade. Hover a point for its image.';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function CompareInstances(props: CompareInstancesProps): JSX.Element {
  const sides = createCompareSides('instances', props);
  const layout = (side: Side): InstanceProjection | null => (sides[side].analysis.drawn() ? (sides[side].analysis.request.value()?.result ?? null) : null);
  const run = (side: Side): RunMeta | null => sides[side].run.value();

  // Instances can be matched only when both runs stored the same validation instances under the same indices.
  const sameData = createMemo(() => {
    const a = run('a');
    const b = run('b');
    return a && b && a.id === props.compare.a.runId && b.id === props.compare.b.runId ? sameValidationData(a, b) : null;
  });
  const pairs = createMemo(() => {
    const a = layout('a');
    const b = layout('b');
    return a && b && sameData() ? matchInstances(a, b) : null;
  });
  const aligned = createMemo(() => {
    const p = pairs();
    return p ? alignOnto(layout('a')!, layout('b')!, p) : null;
  });
  const changes = createMemo(() => {
    const p = pairs();
    return p ? predictionChanges(layout('a')!, layout('b')!, p) : [];
  });

  const classNames = (side: Side): string[] => run(side)?.classNames ?? [];
  // The toggles list A's classes, then any class only B's run has; classes of two runs match by name.
  const classChoice = createCompareClassChoice(classNames, props);
  const { selected } = classChoice;
  const classIndices = (side: Side): number[] => selectedClassIndices(classNames(side), [...selected()]);
  const shownChanges = createMemo(() => {
    const classes = new Set(classIndices('a'));
    return changes().filter((c) => classes.has(c.label));
  });

  const marks = createMemo(() => {
    if (!pairs()) {
      return undefined;
    }
    const names = classNames('a');
    const name = (c: number): string => names[c] ?? String(c);
    return new Map(
      changes().map((c): [string, InstanceMark] => [
        c.id,
        c.change === 'fixed'
          ? { tone: 'good', note: `fixed: predicted ${name(c.predictedA)} at A, right at B` }
          : { tone: 'bad', note: `broken: right at A, predicted ${name(c.predictedB)} at B` },
      ]),
    );
  });
  const drawnLayout = (side: Side): InstanceProjection | null => (side === 'b' ? (aligned()?.projection ?? layout('b')) : layout('a'));
  // Aligned layouts share one scale, so a distance means the same in both plots.
  const extent = (side: Side): number => {
    const own = drawnLayout(side);
    if (!own) {
      return 1;
    }
    return aligned() ? Math.max(layoutExtent(layout('a')!), layoutExtent(aligned()!.projection)) : layoutExtent(own);
  };
  const scatterInput = (side: Side) => {
    const projection = drawnLayout(side);
    const m = marks();
    const points = projection ? instancePoints(projection, new Set(classIndices(side))) : [];
    // Marked points last, so they are drawn on top of the faded rest.
    const ordered = m ? [...points.filter((p) => !m.has(p.id)), ...points.filter((p) => m.has(p.id))] : points;
    return {
      points: ordered,
      extent: extent(side),
      classNames: classNames(side),
      imageUrl: (p: InstancePoint) => instanceImageUrl(props.compare[side].runId, p.domain, p.index),
      thumbnails: null,
      ...(m ? { marks: m } : {}),
    };
  };

  const inputs = { a: createMemo(() => scatterInput('a')), b: createMemo(() => scatterInput('b')) };

  const renderedKey = (): string =>
    layout('a') && layout('b') && sameData() !== null
      ? `${checkpointLabel(props.compare.a)}|${checkpointLabel(props.compare.b)}|${[...selected()].join(',')}`
      : '';

  const column = (side: Side): JSX.Element => (
    <CompareSideColumn
      side={side}
      id={props.compare[side]}
      isCheckpoint={props.response[side].checkpoint}
      data={sides[side]}
      computing="Laying out this checkpoint's instances… a few seconds per checkpoint not laid out yet."
      testId={`compare-instances-${side}`}
      aside={<Show when={layout(side)}>{(p) => <InstanceTrust projection={p()} />}</Show>}
    >
      <InstanceScatter input={inputs[side]()} testId={`compare-instance-chart-${side}`} />
    </CompareSideColumn>
  );

  return (
    <Panel class="span-3" title="Instances, A | B" testId="compare-instances" hint={HINT} renderedKey={renderedKey()}>
      <div class="instance-controls">
        <LayoutSwitch layout="tsne" onLayout={(l) => props.onLayout(l)} />
        <CompareClassToggles choice={classChoice} />
        <span class="muted" data-testid="compare-alignment">
          <Show when={sameData() === false}>A and B are runs over different validation data: the layouts are not aligned and instances are not matched.</Show>
          <Show when={aligned()}>{(fit) => `B aligned onto A over ${plural(fit().shared, 'shared instance')} (rms distance ${fit().rmsd.toFixed(2)})`}</Show>
        </span>
      </div>
      <div class="compare-pair">
        {column('a')}
        {column('b')}
      </div>
      <Show
        when={pairs()}
        fallback={
          <Show when={sameData() === false}>
            <Notice kind="info">No changed predictions to mark: the two runs' instances are not the same.</Notice>
          </Show>
        }
      >
        <CompareInstanceChanges
          changes={shownChanges()}
          counts={changeCounts(shownChanges(), classIndices('a'))}
          classNames={classNames('a')}
          imageUrl={(c) => instanceImageUrl(props.compare.a.runId, c.domain, c.index)}
          onFocusClass={(name) => props.onClasses([name])}
        />
      </Show>
    </Panel>
  );
}
