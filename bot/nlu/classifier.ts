/**
 * Intent classifier: multinomial logistic regression over TF-IDF n-grams
 * and word vectors, trained by averaged SGD in-process at start-up. Softmax
 * probabilities give one confidence scale across intents, so one
 * out-of-scope threshold means the same for every intent; heldout.ts trains
 * it together with the held-out models that set that threshold.
 */
import type { WordVectors } from './embeddings';
import { Vectorizer, type SparseVector, type VectorizerSnapshot } from './features';

export interface Example {
  text: string;
  label: string;
}

/** A trained model's state (see `snapshot`). */
export interface ClassifierSnapshot {
  labels: string[];
  vectorizer: VectorizerSnapshot;
  /** Row per feature, column per label. */
  weights: Float32Array;
  bias: Float32Array;
  temperature: number;
  threshold: number | null;
}

export interface Ranked {
  label: string;
  confidence: number;
}

export interface TrainOptions {
  epochs?: number;
  /** L2 regularisation strength. */
  l2?: number;
  learningRate?: number;
  /** Seed for the shuffling, so training is reproducible. */
  seed?: number;
  /** Pretrained word vectors to add meaning to the n-grams; null for n-grams alone. */
  vectors?: WordVectors | null;
  /** Called after each epoch: long trainings print progress. */
  onEpoch?: (done: number, of: number) => void;
}

/** From this many examples, training takes the large-data settings. */
const LARGE = 3000;

/** Gradients smaller than this are skipped: they would not move a weight. */
const SKIP = 1e-3;

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class IntentClassifier {
  private constructor(
    readonly labels: readonly string[],
    private readonly vectorizer: Vectorizer,
    /** Row per feature, column per label. */
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    /** Softmax temperature: above 1 softens over-confident scores, below 1 sharpens timid ones. */
    private temperature = 1,
    private chosenThreshold: number | undefined = undefined,
  ) {
    this.buffer = new Float64Array(labels.length);
  }

  /** Scores of the message being ranked: one buffer per model, so ranking allocates little. */
  private readonly buffer: Float64Array;

  /**
   * What held-out data said about this model (see calibrate.ts): the softmax
   * temperature that makes its confidences honest, and the out-of-scope
   * threshold it chose. Set once, right after training.
   */
  calibrate(temperature: number, threshold: number): void {
    this.temperature = temperature;
    this.chosenThreshold = threshold;
  }

  /** The softmax temperature in use (1 = as trained). */
  get calibration(): number {
    return this.temperature;
  }

  /** The out-of-scope threshold chosen on held-out data; undefined before calibration. */
  get threshold(): number | undefined {
    return this.chosenThreshold;
  }

  /** Everything the model is, for keeping it on disk (model-file.ts). */
  snapshot(): ClassifierSnapshot {
    return {
      labels: [...this.labels],
      vectorizer: this.vectorizer.snapshot(),
      weights: this.weights,
      bias: this.bias,
      temperature: this.temperature,
      threshold: this.chosenThreshold ?? null,
    };
  }

  /** The model a snapshot was taken of; `vectors` must be the word vectors it was trained with. */
  static restore(s: ClassifierSnapshot, vectors: WordVectors | null): IntentClassifier {
    return new IntentClassifier(s.labels, Vectorizer.restore(s.vectorizer, vectors), s.weights, s.bias, s.temperature, s.threshold ?? undefined);
  }

  /** Raw scores per label (before the temperature), in `labels` order: a new array. */
  logits(text: string): Float64Array {
    const p = new Float64Array(this.labels.length);
    scores(this.vectorizer.transform(text), this.weights, this.bias, this.labels.length, 1, p);
    return p;
  }

  static train(examples: readonly Example[], options: TrainOptions = {}): IntentClassifier {
    if (examples.length === 0) throw new Error('no training examples');
    // Content-sized data gets more, gentler passes: cheap there, and better calibrated;
    // large data converges in fewer, bolder ones (BANKING77 keeps its accuracy in 8).
    const large = examples.length >= LARGE;
    const { epochs = large ? 8 : 16, l2 = 1e-5, learningRate = large ? 4 : 1, seed = 7, vectors = null, onEpoch } = options;
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const vectorizer = new Vectorizer(vectors);
    const xs = vectorizer.fit(examples.map((e) => e.text));
    const ys = examples.map((e) => labelIndex.get(e.label)!);
    const k = labels.length;
    const w = new Float32Array(vectorizer.size * k);
    const b = new Float32Array(k);
    const rand = random(seed);
    const order = xs.map((_, i) => i);
    const p = new Float64Array(k);
    const active = new Int32Array(k);
    // Weight decay applied lazily through a shared scale: w_true = scale * w.
    let scale = 1;
    let t = 0;
    // The final model averages the weights after each of the later epochs
    // (Polyak averaging): steadier than the last step, and better calibrated.
    const averageFrom = Math.floor(epochs * 0.3);
    const sumW = new Float64Array(w.length);
    const sumB = new Float64Array(k);
    let snapshots = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const n of order) {
        const lr = learningRate / (1 + learningRate * l2 * t++);
        const x = xs[n]!;
        scores(x, w, b, k, scale, p);
        softmax(p);
        p[ys[n]!]! -= 1;
        scale *= 1 - lr * l2;
        if (scale < 1e-6) {
          for (let i = 0; i < w.length; i++) w[i]! *= scale;
          scale = 1;
        }
        const step = lr / scale;
        // Only the classes with a gradient worth the name: once trained, most are ~0.
        let m = 0;
        for (let c = 0; c < k; c++) if (p[c]! > SKIP || p[c]! < -SKIP) active[m++] = c;
        for (let j = 0; j < x.idx.length; j++) {
          const row = x.idx[j]! * k;
          const v = x.val[j]! * step;
          for (let a = 0; a < m; a++) {
            const c = active[a]!;
            w[row + c]! -= v * p[c]!;
          }
        }
        for (let c = 0; c < k; c++) b[c]! -= lr * p[c]!;
      }
      if (epoch >= averageFrom) {
        snapshots++;
        for (let i = 0; i < w.length; i++) sumW[i]! += w[i]! * scale;
        for (let c = 0; c < k; c++) sumB[c]! += b[c]!;
      }
      onEpoch?.(epoch + 1, epochs);
    }
    for (let i = 0; i < w.length; i++) w[i] = sumW[i]! / snapshots;
    for (let c = 0; c < k; c++) b[c] = sumB[c]! / snapshots;
    return new IntentClassifier(labels, vectorizer, w, b);
  }

  /**
   * The labels with their probabilities, best first: all of them, or the
   * best `limit` (what the bot and `eval` ask for: picking three is cheaper
   * than sorting every label). Equal confidences keep the labels' order.
   */
  rank(text: string, limit = this.labels.length): Ranked[] {
    const p = this.buffer;
    scores(this.vectorizer.transform(text), this.weights, this.bias, this.labels.length, 1, p);
    if (this.temperature !== 1) for (let c = 0; c < p.length; c++) p[c]! /= this.temperature;
    softmax(p);
    if (limit >= p.length) {
      return this.labels.map((label, i) => ({ label, confidence: p[i]! })).sort((a, b) => b.confidence - a.confidence);
    }
    return best(p, limit).map((i) => ({ label: this.labels[i]!, confidence: p[i]! }));
  }
}

/** Indices of the `n` largest values, largest first; ties keep index order. */
function best(p: Float64Array, n: number): number[] {
  const top: number[] = [];
  for (let c = 0; c < p.length; c++) {
    if (top.length === n && p[c]! <= p[top[n - 1]!]!) continue;
    // Shift the smaller ones down one place (the last falls off when full), then insert.
    let at = top.length < n ? top.length : n - 1;
    while (at > 0 && p[top[at - 1]!]! < p[c]!) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = c;
  }
  return top;
}

/**
 * out = w·x + b over a sparse x. Eight features at a time: each label's
 * score is read and written once per eight rows instead of once per row,
 * which made classifying about two and a half times faster.
 */
function scores(x: SparseVector, w: Float32Array, b: Float32Array, k: number, scale: number, out: Float64Array): void {
  const { idx, val } = x;
  for (let c = 0; c < k; c++) out[c] = b[c]!;
  const n = idx.length;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const r0 = idx[j]! * k, r1 = idx[j + 1]! * k, r2 = idx[j + 2]! * k, r3 = idx[j + 3]! * k;
    const r4 = idx[j + 4]! * k, r5 = idx[j + 5]! * k, r6 = idx[j + 6]! * k, r7 = idx[j + 7]! * k;
    const v0 = val[j]! * scale, v1 = val[j + 1]! * scale, v2 = val[j + 2]! * scale, v3 = val[j + 3]! * scale;
    const v4 = val[j + 4]! * scale, v5 = val[j + 5]! * scale, v6 = val[j + 6]! * scale, v7 = val[j + 7]! * scale;
    for (let c = 0; c < k; c++) {
      out[c]! +=
        v0 * w[r0 + c]! + v1 * w[r1 + c]! + v2 * w[r2 + c]! + v3 * w[r3 + c]! + v4 * w[r4 + c]! + v5 * w[r5 + c]! + v6 * w[r6 + c]! + v7 * w[r7 + c]!;
    }
  }
  for (; j < n; j++) {
    const row = idx[j]! * k;
    const v = val[j]! * scale;
    for (let c = 0; c < k; c++) out[c]! += v * w[row + c]!;
  }
}

/** Turns scores into probabilities, in place. */
export function softmax(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
}
