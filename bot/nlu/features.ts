/**
 * Text → sparse TF-IDF vector: stemmed word 1–2-grams and character 3–5-grams
 * (which survive typos: "ballance" shares most of its trigrams with
 * "balance"), sublinear term frequency, L2-normalised.
 *
 * `natural` is imported file by file: its index pulls in database drivers and
 * runs dotenv on import (see ../shared/stack-notes.md).
 */
import { WordTokenizer } from 'natural/lib/natural/tokenizers';
import { PorterStemmer } from 'natural/lib/natural/stemmers';

const tokenizer = new WordTokenizer();

/** Lower-case, entity-masked, stemmed word tokens. */
export function tokens(text: string): string[] {
  const masked = text
    .toLowerCase()
    .replace(/[$£€]\s?\d[\d,]*(\.\d+)?/g, ' zamount ')
    .replace(/\b[a-z]{2}[-\s]?\d{5,}\b/g, ' zorderno ')
    .replace(/\d+/g, (d) => (d.length === 5 ? ' zpostcode ' : ' znum '))
    .replace(/[’']/g, '');
  return tokenizer.tokenize(masked).map((t) => PorterStemmer.stem(t));
}

/** The feature strings of one utterance (with repeats: counts matter). */
export function featureStrings(text: string): string[] {
  const words = tokens(text);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    out.push(`w:${words[i]}`);
    if (i + 1 < words.length) out.push(`b:${words[i]} ${words[i + 1]}`);
  }
  const joined = ` ${words.join(' ')} `;
  for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= joined.length; i++) out.push(`c:${joined.slice(i, i + n)}`);
  return out;
}

/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Vocabulary and inverse document frequencies learned from training texts. */
export class Vectorizer {
  private readonly index = new Map<string, number>();
  private idf = new Float32Array(0);

  get size(): number {
    return this.index.size;
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
    return docs.map((d) => this.vectorOf(d));
  }

  transform(text: string): SparseVector {
    return this.vectorOf(featureStrings(text));
  }

  private vectorOf(features: string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const f of features) {
      const i = this.index.get(f);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const idx = new Int32Array(counts.size);
    const val = new Float32Array(counts.size);
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
    for (let j = 0; j < val.length; j++) val[j]! /= norm;
    return { idx, val };
  }
}
