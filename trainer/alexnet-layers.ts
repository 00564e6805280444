// AlexNet's eight monitored layers (the paper's Layer 1 to Layer 8), kept apart from the model builder so that
// code which must not load tfjs (the monitor, through analysis/run-layers.ts) can name them.

/** conv1..fc8: the monitored layers of every built-in AlexNet, and of every run stored without a `run_models` row. */
export const ALEXNET_LAYERS = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8'] as const;
