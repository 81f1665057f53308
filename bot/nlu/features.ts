/**
 * Text → one feature vector: TF-IDF over words (stemmed 1–3-grams and the
 * surface words) and character 3–5-grams (which survive typos: "ballance"
 * shares most of its trigrams with "balance"), sublinear term frequency,
 * L2-normalised; plus, when word vectors are available, the mean of the
 * utterance's word vectors (what it means, beyond the exact words).
 *
 * `natural` is imported file by file: its index pulls in database drivers and
 * runs dotenv on import (see ../shared/stack-notes.md).
 */
import { WordTokenizer } from 'natural/lib/natural/tokenizers';
import { PorterStemmer } from 'natural/lib/natural/stemmers';
import type { WordVectors } from './embeddings';

const tokenizer = new WordTokenizer();

/** Entities become placeholders: the amount or order number does not say what is meant. */
function mask(text: string): string {
  return text
    .toLowerCase()
    .replace(/[$£€]\s?\d[\d,]*(\.\d+)?/g, ' zamount ')
    .replace(/\b[a-z]{2}[-\s]?\d{5,}\b/g, ' zorderno ')
    .replace(/\d+/g, (d) => (d.length === 5 ? ' zpostcode ' : ' znum '))
    .replace(/[’']/g, '');
}

/** Lower-case, entity-masked word tokens. */
export function words(text: string): string[] {
  return tokenizer.tokenize(mask(text));
}

/** The sparse feature strings of one utterance (with repeats: counts matter). */
export function featureStrings(text: string): string[] {
  const raw = words(text);
  const stems = raw.map((t) => PorterStemmer.stem(t));
  const out: string[] = [];
  for (let i = 0; i < stems.length; i++) {
    out.push(`w:${stems[i]}`, `r:${raw[i]}`);
    if (i + 1 < stems.length) out.push(`b:${stems[i]} ${stems[i + 1]}`);
    if (i + 2 < stems.length) out.push(`t:${stems[i]} ${stems[i + 1]} ${stems[i + 2]}`);
  }
  const joined = ` ${raw.join(' ')} `;
  for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= joined.length; i++) out.push(`c:${joined.slice(i, i + n)}`);
  return out;
}

/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Weight of the meaning (word-vector) part against the word part. */
const DENSE_WEIGHT = 1.2;

/** Vocabulary, inverse document frequencies and (optionally) word vectors. */
export class Vectorizer {
  private readonly index = new Map<string, number>();
  private idf = new Float32Array(0);

  constructor(private readonly vectors: WordVectors | null = null) {}

  /** Feature count: the vocabulary, then the word-vector dimensions. */
  get size(): number {
    return this.index.size + (this.vectors?.dims ?? 0);
  }

  fit(texts: readonly string[]): SparseVector[] {
    const docs = texts.map(featureStrings);
    const df: number[] = [];
    for (const doc of docs) {
      for (const f of new Set(doc)) {
        let i = this.index.get(f);
        if (i === undefined) {
          i = this.index.size;
          this.index.set(f, i);
          df.push(0);
        }
        df[i]! += 1;
      }
    }
    const n = docs.length;
    this.idf = Float32Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
    return docs.map((d, i) => this.vectorOf(d, texts[i]!));
  }

  transform(text: string): SparseVector {
    return this.vectorOf(featureStrings(text), text);
  }

  private vectorOf(features: string[], text: string): SparseVector {
    const counts = new Map<number, number>();
    for (const f of features) {
      const i = this.index.get(f);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const meaning = this.meaning(text);
    const size = counts.size + (meaning ? meaning.length : 0);
    const idx = new Int32Array(size);
    const val = new Float32Array(size);
    let k = 0;
    let norm = 0;
    for (const [i, c] of counts) {
      const v = (1 + Math.log(c)) * this.idf[i]!;
      idx[k] = i;
      val[k] = v;
      norm += v * v;
      k++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < k; j++) val[j]! /= norm;
    if (meaning) {
      const base = this.index.size;
      for (let d = 0; d < meaning.length; d++, k++) {
        idx[k] = base + d;
        val[k] = meaning[d]!;
      }
    }
    return { idx, val };
  }

  /** The unit-length mean of the known words' vectors, weighted; null when no word is known. */
  private meaning(text: string): Float32Array | null {
    if (!this.vectors) return null;
    const dims = this.vectors.dims;
    const acc = new Float32Array(dims);
    let found = 0;
    for (const w of words(text)) {
      const v = this.vectors.get(w);
      if (!v) continue;
      for (let d = 0; d < dims; d++) acc[d]! += v[d]!;
      found++;
    }
    if (!found) return null;
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += acc[d]! * acc[d]!;
    const scale = DENSE_WEIGHT / (Math.sqrt(norm) || 1);
    for (let d = 0; d < dims; d++) acc[d]! *= scale;
    return acc;
  }
}
