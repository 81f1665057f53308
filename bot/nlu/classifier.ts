/**
 * Intent classifier: multinomial logistic regression over TF-IDF n-grams,
 * trained by SGD in-process at start-up. Softmax probabilities give one
 * confidence scale across intents, so one out-of-scope threshold means the
 * same for every intent.
 */
import type { WordVectors } from './embeddings';
import { Vectorizer, type SparseVector } from './features';

export interface Example {
  text: string;
  label: string;
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
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
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
  ) {}

  /**
   * Trains, and fits the softmax temperature on held-out folds so that a
   * confidence of 0.7 is right about 70% of the time: one out-of-scope
   * threshold then means the same for every intent. Costs `folds` extra
   * trainings; meant for content-sized data.
   */
  static trainCalibrated(examples: readonly Example[], options: TrainOptions = {}, folds = 4): IntentClassifier {
    const model = IntentClassifier.train(examples, options);
    const held: { logits: Float64Array; gold: number }[] = [];
    for (let f = 0; f < folds; f++) {
      const train = examples.filter((_, i) => i % folds !== f);
      const test = examples.filter((_, i) => i % folds === f);
      if (new Set(train.map((e) => e.label)).size !== model.labels.length) return model;
      const m = IntentClassifier.train(train, options);
      for (const e of test) held.push({ logits: m.logits(e.text), gold: m.labels.indexOf(e.label) });
    }
    let best = { t: 1, nll: Infinity };
    for (let t = 0.2; t <= 3.001; t += 0.05) {
      let nll = 0;
      for (const { logits, gold } of held) {
        const p = Float64Array.from(logits, (z) => z / t);
        softmax(p);
        nll -= Math.log(Math.max(p[gold]!, 1e-12));
      }
      if (nll < best.nll) best = { t, nll };
    }
    model.temperature = best.t;
    return model;
  }

  /** The softmax temperature in use (1 = as trained). */
  get calibration(): number {
    return this.temperature;
  }

  private logits(text: string): Float64Array {
    const p = new Float64Array(this.labels.length);
    scores(this.vectorizer.transform(text), this.weights, this.bias, this.labels.length, 1, p);
    return p;
  }

  static train(examples: readonly Example[], options: TrainOptions = {}): IntentClassifier {
    if (examples.length === 0) throw new Error('no training examples');
    const { epochs = 24, l2 = 1e-5, learningRate = 0.5, seed = 7, vectors = null } = options;
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
        for (let j = 0; j < x.idx.length; j++) {
          const row = x.idx[j]! * k;
          const v = x.val[j]! * step;
          for (let c = 0; c < k; c++) w[row + c]! -= v * p[c]!;
        }
        for (let c = 0; c < k; c++) b[c]! -= lr * p[c]!;
      }
      if (epoch >= averageFrom) {
        snapshots++;
        for (let i = 0; i < w.length; i++) sumW[i]! += w[i]! * scale;
        for (let c = 0; c < k; c++) sumB[c]! += b[c]!;
      }
    }
    for (let i = 0; i < w.length; i++) w[i] = sumW[i]! / snapshots;
    for (let c = 0; c < k; c++) b[c] = sumB[c]! / snapshots;
    return new IntentClassifier(labels, vectorizer, w, b);
  }

  /** Every label with its probability, best first. */
  rank(text: string): Ranked[] {
    const p = this.logits(text);
    if (this.temperature !== 1) for (let c = 0; c < p.length; c++) p[c]! /= this.temperature;
    softmax(p);
    return this.labels
      .map((label, i) => ({ label, confidence: p[i]! }))
      .sort((a, b) => b.confidence - a.confidence);
  }
}

function scores(x: SparseVector, w: Float32Array, b: Float32Array, k: number, scale: number, out: Float64Array): void {
  for (let c = 0; c < k; c++) out[c] = 0;
  for (let j = 0; j < x.idx.length; j++) {
    const row = x.idx[j]! * k;
    const v = x.val[j]! * scale;
    for (let c = 0; c < k; c++) out[c]! += v * w[row + c]!;
  }
  for (let c = 0; c < k; c++) out[c]! += b[c]!;
}

function softmax(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
}
