import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { makeImageQueue } from '../../../dashboard/src/image-queue.ts';

/** The parts of an <img> the queue uses; a test settles each load by hand, as the network would. */
class FakeImage extends EventTarget {
  isConnected = true;
  readonly dataset: { src?: string };
  /** Every URL the browser was asked to fetch, in order. */
  readonly fetched: string[] = [];
  private attribute: string | null = null;
  constructor(src: string) {
    super();
    this.dataset = { src };
  }
  set src(value: string) {
    if (value !== this.attribute) {
      this.fetched.push(value);
    }
    this.attribute = value;
  }
  getAttribute(name: string): string | null {
    return name === 'src' ? this.attribute : null;
  }
  removeAttribute(name: string): void {
    if (name === 'src') {
      this.attribute = null;
    }
  }
  settle(outcome: 'load' | 'error'): void {
    this.dispatchEvent(new Event(outcome));
  }
}

const asImg = (img: FakeImage) => img as unknown as HTMLImageElement;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('a failed image is fetched again after a doubling backoff, and gives its slot to the next image meanwhile', () => {
  const queue = makeImageQueue(1, { retries: 2, firstDelayMs: 100, random: () => 0 });
  const busy = new FakeImage('/a.png');
  const other = new FakeImage('/b.png');
  queue.request(asImg(busy));
  queue.request(asImg(other));
  expect(busy.fetched).toEqual(['/a.png']);
  expect(other.fetched).toEqual([]);

  busy.settle('error'); // 503 BUSY
  expect(other.fetched).toEqual(['/b.png']);
  other.settle('load');
  vi.advanceTimersByTime(99);
  expect(busy.fetched).toEqual(['/a.png']);
  vi.advanceTimersByTime(1);
  expect(busy.fetched).toEqual(['/a.png', '/a.png']);

  busy.settle('error');
  vi.advanceTimersByTime(199);
  expect(busy.fetched).toHaveLength(2);
  vi.advanceTimersByTime(1);
  expect(busy.fetched).toHaveLength(3);
  busy.settle('load');
  vi.advanceTimersByTime(10_000);
  expect(busy.fetched).toHaveLength(3);
});

test('retries stop after the limit, so a broken image is not asked for forever', () => {
  const queue = makeImageQueue(2, { retries: 3, firstDelayMs: 50, random: () => 0.999 });
  const broken = new FakeImage('/broken.png');
  queue.request(asImg(broken));
  for (let i = 0; i < 10; i++) {
    broken.settle('error');
    vi.advanceTimersByTime(60_000);
  }
  expect(broken.fetched).toHaveLength(4);
});

test('a retry waiting behind a full queue goes first once a slot frees', () => {
  const queue = makeImageQueue(1, { retries: 1, firstDelayMs: 10, random: () => 0 });
  const failed = new FakeImage('/a.png');
  const loading = new FakeImage('/b.png');
  const queued = new FakeImage('/c.png');
  queue.request(asImg(failed));
  queue.request(asImg(loading));
  queue.request(asImg(queued));
  failed.settle('error');
  vi.advanceTimersByTime(10);
  expect(failed.fetched).toHaveLength(1);
  loading.settle('load');
  expect(failed.fetched).toHaveLength(2);
  expect(queued.fetched).toEqual([]);
});

test('clear cancels pending retries, and an image removed from the page is not retried', () => {
  const queue = makeImageQueue(2, { retries: 3, firstDelayMs: 10, random: () => 0 });
  const a = new FakeImage('/a.png');
  const b = new FakeImage('/b.png');
  queue.request(asImg(a));
  queue.request(asImg(b));
  a.settle('error');
  b.isConnected = false;
  b.settle('error');
  queue.clear();
  vi.advanceTimersByTime(10_000);
  expect(a.fetched).toHaveLength(1);
  expect(b.fetched).toHaveLength(1);
});

test('without a retry policy a failed image stays failed', () => {
  const queue = makeImageQueue(1);
  const img = new FakeImage('/a.png');
  queue.request(asImg(img));
  img.settle('error');
  vi.advanceTimersByTime(60_000);
  expect(img.fetched).toHaveLength(1);
});
