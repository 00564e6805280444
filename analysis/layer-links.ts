// Which consecutive monitored layers are joined directly by the second one's kernel (issue 13, item 4): only
// then do important weights, weight regions and inheritance between them mean what the paper's Figure 3 says.
// Pure: reads the tfjs Layers topology JSON (Keras' snake_case form, as `run_models` stores it).
import type { NetworkLayerLink } from '../core/network-protocol.ts';

/**
 * Layers that keep each channel's identity between two monitored layers: the second layer's kernel still
 * joins the first layer's channel (or unit) n1 to its own n2, whatever is scaled, shifted or pooled on the way.
 */
const PASS_THROUGH: ReadonlySet<string> = new Set([
  'BatchNormalization',
  'Activation',
  'ReLU',
  'MaxPooling2D',
  'AveragePooling2D',
  'ZeroPadding2D',
  'Dropout',
  'Flatten',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
]);

/** Reasons for layers whose kernel does not join channel to channel; the link into them is never direct. */
const NOT_CROSS_CHANNEL: Readonly<Record<string, string>> = {
  DepthwiseConv2D: 'depthwise: each channel reads only itself',
  SeparableConv2D: 'separable: a depthwise step reads each channel alone before its pointwise weights',
};

interface TopologyLayer {
  className: string;
  name: string;
  /** Names of the layers whose outputs this one reads (several for Add or Concatenate). */
  inbound: string[];
}

/**
 * One link per consecutive pair of `monitored` (names in model order). A pair is direct when the second layer
 * reads the first's output through PASS_THROUGH layers only; otherwise `reason` names the shortcut (Add), the
 * concatenation, the other layer read in between, or the second layer's depthwise kernel. An empty or one-layer
 * list gives no links; a name the topology lacks gives a not-direct link saying so.
 */
export function layerLinks(topology: Record<string, unknown>, monitored: readonly string[]): NetworkLayerLink[] {
  const layers = new Map(topologyLayers(topology).map((layer) => [layer.name, layer]));
  return monitored.slice(1).map((toLayer, i) => {
    const fromLayer = monitored[i]!;
    const reason = indirectReason(layers, fromLayer, toLayer);
    return reason === null ? { fromLayer, toLayer, direct: true } : { fromLayer, toLayer, direct: false, reason };
  });
}

/** AlexNet's links (and any chain's): every consecutive pair direct. */
export function chainLinks(monitored: readonly string[]): NetworkLayerLink[] {
  return monitored.slice(1).map((toLayer, i) => ({ fromLayer: monitored[i]!, toLayer, direct: true }));
}

/** Each layer's class by name (e.g. 'Conv2D', 'DepthwiseConv2D'). */
export function layerClasses(topology: Record<string, unknown>): Map<string, string> {
  return new Map(topologyLayers(topology).map((layer) => [layer.name, layer.className]));
}

function indirectReason(layers: Map<string, TopologyLayer>, fromLayer: string, toLayer: string): string | null {
  const to = layers.get(toLayer);
  if (!to || !layers.has(fromLayer)) {
    return `the model has no layer '${to ? fromLayer : toLayer}'`;
  }
  const depthwise = NOT_CROSS_CHANNEL[to.className];
  if (depthwise !== undefined) {
    return depthwise;
  }
  // Walk back from what `toLayer` reads until `fromLayer` or the first layer that is not a plain pass-through.
  let inbound = to.inbound;
  for (;;) {
    if (inbound.length !== 1) {
      return inbound.length === 0 ? `${toLayer} does not read ${fromLayer}` : `${toLayer} reads ${inbound.length} inputs, not ${fromLayer} alone`;
    }
    const name = inbound[0]!;
    if (name === fromLayer) {
      return null;
    }
    const layer = layers.get(name);
    if (!layer) {
      return `${toLayer} does not read ${fromLayer}`;
    }
    if (layer.className === 'Add') {
      return `${toLayer} reads a sum through a shortcut (Add '${name}'), not ${fromLayer} alone`;
    }
    if (layer.className === 'Concatenate') {
      return `${toLayer} reads a concatenation (Concatenate '${name}'), not ${fromLayer} alone`;
    }
    if (!PASS_THROUGH.has(layer.className)) {
      return layer.className === 'InputLayer' ? `${toLayer} does not read ${fromLayer}` : `${toLayer} reads ${layer.className} '${name}', not ${fromLayer}`;
    }
    inbound = layer.inbound;
  }
}

/**
 * The layers of a Sequential or functional topology with what each reads. A Sequential's layer reads the one
 * before it (the first reads the input); a functional layer's inbound_nodes name its inputs (first call only:
 * a layer applied twice is a shared layer, which the supported models do not have).
 */
function topologyLayers(topology: Record<string, unknown>): TopologyLayer[] {
  const config = topology.config as { layers?: unknown[] } | unknown[] | undefined;
  const entries = (Array.isArray(config) ? config : (config?.layers ?? [])) as {
    class_name?: unknown;
    name?: unknown;
    config?: { name?: unknown };
    inbound_nodes?: unknown;
  }[];
  const sequential = topology.class_name === 'Sequential';
  return entries.map((entry, i): TopologyLayer => {
    const name = String(entry.config?.name ?? entry.name ?? `layer${i}`);
    const className = String(entry.class_name ?? '');
    if (sequential) {
      const previous = i === 0 ? undefined : entries[i - 1];
      return { className, name, inbound: previous ? [String(previous.config?.name ?? previous.name ?? `layer${i - 1}`)] : [] };
    }
    const nodes = Array.isArray(entry.inbound_nodes) ? (entry.inbound_nodes as unknown[][]) : [];
    const first = Array.isArray(nodes[0]) ? (nodes[0] as unknown[]) : [];
    return { className, name, inbound: first.map((tensor) => String(Array.isArray(tensor) ? tensor[0] : '')) };
  });
}
