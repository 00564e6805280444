// The discriminability plot of the feature view (paper §5.4) with the cross-validated domain accuracy beside it.
import { createMemo, onMount, type JSX } from 'solid-js';
import type { FeatureClassAnalysis } from '../../core/features-protocol.ts';
import { createChart } from './chart.ts';
import { biplotArrows, featurePlotOption } from './feature-plot-option.ts';
import { percent } from './format.ts';

export interface FeaturePlotProps {
  cls: FeatureClassAnalysis;
  axes: ReadonlySet<string>;
  className: string;
}

const ACCURACY_HINT =
  "Mean held-out accuracy of the linear SVM telling this class's source instances from its target instances, " +
  "over k-fold cross-validation on the important neurons' conductances. 0.5 = the domains are indistinguishable " +
  "to these neurons (features transfer as they are); 1.0 = every instance's domain is recognisable.";

export function FeaturePlot(props: FeaturePlotProps): JSX.Element {
  let el!: HTMLDivElement;
  const input = () => ({ cls: props.cls, axes: props.axes, className: props.className });
  const arrows = createMemo(() =>
    biplotArrows(input())
      .map((a) => a.id)
      .join(' '),
  );
  onMount(() => {
    createChart(el, () => featurePlotOption(input()));
  });
  return (
    <div class="feature-plot-wrap">
      <div class="feature-accuracy" data-testid="feature-accuracy" title={ACCURACY_HINT}>
        <div class="feature-accuracy-value">{percent(props.cls.cvAccuracy)}</div>
        <div class="muted">cross-validated domain accuracy ({props.cls.folds > 0 ? `${props.cls.folds}-fold` : 'no classifier'})</div>
        <div class="muted">
          <span class="source-text">{props.cls.sourceInstances.length} source</span> ·{' '}
          <span class="target-text">{props.cls.targetInstances.length} target</span> instances
        </div>
      </div>
      <div class="chart feature-plot" data-testid="feature-plot" data-points={props.cls.x.length} data-arrows={arrows()} ref={el} />
    </div>
  );
}
