/**
 * Feature hash → column: an open-addressing table in one typed array, each
 * slot a key and its column side by side (one cache miss per look-up).
 * Classifying a message looks up a few hundred hashes among ~100,000; a
 * `Map` of numbers was slower to probe, slower to rebuild when a kept model
 * is read at start-up, and scattered over the heap.
 */

const EMPTY = -1;

export class FeatureIndex {
  /** Slot i: its key at 2i (EMPTY or a non-negative 30-bit hash), the key's column at 2i + 1. */
  private slots: Int32Array;
  /** Keys in column order. */
  private order: Int32Array;
  private count = 0;

  constructor(expected = 1024) {
    this.slots = new Int32Array(2 * capacityFor(expected)).fill(EMPTY);
    this.order = new Int32Array(Math.max(16, expected));
  }

  /** An index of `keys`, column i for keys[i]. */
  static of(keys: Int32Array): FeatureIndex {
    const index = new FeatureIndex(keys.length);
    for (let i = 0; i < keys.length; i++) index.add(keys[i]!);
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** The column of `key`, or -1. Keys are hashes already: their low bits pick the slot. */
  get(key: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let s = key & mask; ; s = (s + 1) & mask) {
      const k = slots[2 * s]!;
      if (k === key) return slots[2 * s + 1]!;
      if (k === EMPTY) return -1;
    }
  }

  /** The column of `key`, given the next one if it is new. */
  add(key: number): number {
    if (key < 0) throw new RangeError('feature keys are non-negative');
    if ((this.count + 1) * 4 > this.slots.length) this.grow();
    const mask = (this.slots.length >> 1) - 1;
    let s = key & mask;
    for (; this.slots[2 * s] !== EMPTY; s = (s + 1) & mask) if (this.slots[2 * s] === key) return this.slots[2 * s + 1]!;
    if (this.count === this.order.length) {
      const next = new Int32Array(this.order.length * 2);
      next.set(this.order);
      this.order = next;
    }
    this.slots[2 * s] = key;
    this.slots[2 * s + 1] = this.count;
    this.order[this.count] = key;
    return this.count++;
  }

  /** The keys in column order (a copy). */
  keys(): Int32Array {
    return this.order.slice(0, this.count);
  }

  private grow(): void {
    const keys = this.order.subarray(0, this.count);
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = (this.slots.length >> 1) - 1;
    for (let i = 0; i < keys.length; i++) {
      let s = keys[i]! & mask;
      while (this.slots[2 * s] !== EMPTY) s = (s + 1) & mask;
      this.slots[2 * s] = keys[i]!;
      this.slots[2 * s + 1] = i;
    }
  }
}

/** A power of two at least twice `n`: probes stay short at half full. */
function capacityFor(n: number): number {
  let c = 16;
  while (c < n * 2) c *= 2;
  return c;
}

/**
 * Sorts 32-bit integers in place: quicksort, insertion sort for short runs.
 * TypedArray.prototype.sort was the largest single cost of turning a message
 * into features (it copies to generic numbers and back).
 */
export function sortInts(a: Int32Array, lo = 0, hi = a.length - 1): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot: hashes are random, but counts repeat.
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    // Recurse into the smaller side, loop on the larger: the stack stays shallow.
    if (j - lo < hi - i) {
      sortInts(a, lo, j);
      lo = i;
    } else {
      sortInts(a, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) a[j + 1] = a[j--]!;
    a[j + 1] = v;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
