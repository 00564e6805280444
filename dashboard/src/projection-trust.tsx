// DVI's quality measures as trust indicators beside the boundary map (DeepVisualInsight §5.2): how well the projection
// keeps neighbours, boundary neighbours and predictions, and whether on-screen movement follows the model's change.
import { Show, type JSX } from 'solid-js';
import type { ProjectionMetrics } from '../../core/projection-protocol.ts';
import { trustLevel } from './instance-model.ts';

export interface ProjectionTrustProps {
  metrics: ProjectionMetrics;
  /** The same checkpoint's t-SNE neighbour preservation (a share, k = 15) when it is at hand, so a user can choose. */
  tsneNeighbourPreservation?: number | null;
  testId?: string;
}

const outOf = (share: number, k: number): string => `${(share * k).toFixed(1)}/${k}`;

export function ProjectionTrust(props: ProjectionTrustProps): JSX.Element {
  const m = () => props.metrics;
  return (
    <span class={`instance-trust projection-trust trust-${trustLevel(m().neighbourPreservation)}`} data-testid={props.testId ?? 'projection-trust'}>
      <span
        data-testid="projection-trust-neighbours"
        title={
          `Neighbour preservation (k = ${m().k}): of each instance's ${m().k} nearest neighbours in the model's representation, ` +
          `how many stay among its ${m().k} nearest on the map, on average. High: neighbourhoods on the map are real; low: read only the coarse structure.`
        }
      >
        neighbours <b>{outOf(m().neighbourPreservation, m().k)}</b>
      </span>
      <Show when={m().boundaryNeighbourPreservation !== null}>
        {' · '}
        <span
          data-testid="projection-trust-boundary"
          title={
            `Boundary-neighbour preservation (k = ${m().k}): of each instance's nearest boundary points in the representation, how many stay ` +
            'its nearest boundary points on the map. High: an instance drawn near a boundary is near it in the model too.'
          }
        >
          boundary <b>{outOf(m().boundaryNeighbourPreservation!, m().k)}</b>
        </span>
      </Show>
      {' · '}
      <span
        data-testid="projection-trust-prediction"
        title={
          "Prediction preservation: the share of instances whose point, decoded back from the map, gets the model's own prediction of the " +
          'instance. High: the colour under a point is the class the model gives it; low: the map and the points disagree.'
        }
      >
        predictions <b>{(100 * m().predictionPreservation).toFixed(0)}%</b>
      </span>
      <Show when={m().temporalCorrelation !== null}>
        {' · '}
        <span
          data-testid="projection-trust-temporal"
          title={
            'Temporal correlation with the previous checkpoint: Pearson correlation, across instances, of how much their neighbours in the ' +
            'representation changed and how far they moved on the map. Near 1: points move as much as the model changed them; near 0 or below: movement says little.'
          }
        >
          temporal <b>{m().temporalCorrelation!.toFixed(2)}</b>
        </span>
      </Show>
      <Show when={typeof props.tsneNeighbourPreservation === 'number'}>
        {' · '}
        <span
          class="muted"
          data-testid="projection-trust-tsne"
          title="The same checkpoint's t-SNE keeps this many of 15 neighbours: t-SNE usually keeps more local neighbours, but has no boundaries and no inverse."
        >
          t-SNE {outOf(props.tsneNeighbourPreservation!, m().k)}
        </span>
      </Show>
    </span>
  );
}
