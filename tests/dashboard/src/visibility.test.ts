import { describe, expect, test } from 'vitest';
import { createRoot, createSignal } from 'solid-js';
import { createFollowOnScreen } from '../../../dashboard/src/visibility.ts';

describe('createFollowOnScreen', () => {
  test('follows the value on screen, keeps the one shown off screen, and catches up once back on screen', () => {
    createRoot((dispose) => {
      const [value, setValue] = createSignal<string | null>(null);
      const [visible, setVisible] = createSignal(false);
      let reads = 0;
      const shown = createFollowOnScreen(() => {
        reads++;
        return value();
      }, visible);
      expect(shown()).toBeNull();
      // The first value is taken wherever the view is, so a view opened below the fold is drawn.
      setValue('target/1');
      expect(shown()).toBe('target/1');
      const readsOffScreen = reads;
      setValue('source/1');
      setValue('source/2');
      expect(shown()).toBe('target/1');
      // Off screen a new value is not even read.
      expect(reads).toBe(readsOffScreen);
      setVisible(true);
      expect(shown()).toBe('source/2');
      setValue('target/2');
      expect(shown()).toBe('target/2');
      setVisible(false);
      setValue(null);
      expect(shown()).toBe('target/2');
      dispose();
    });
  });
});
