// The label space shared by both digit domains, so source and target logits line up one to one.

/** Label `d` is the digit `String(d)` in both the synthetic (source) and MNIST (target) domains. */
export const DIGIT_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
