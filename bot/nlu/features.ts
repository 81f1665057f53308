/**
 * Text → one feature vector: TF-IDF over words (stemmed 1–3-grams and the
 * surface words) and character 3–5-grams (which survive typos: "ballance"
 * shares most of its trigrams with "balance"), sublinear term frequency,
 * L2-normalised; plus, when word vectors are available, the mean of the
 * utterance's word vectors (what it means, beyond the exact words).
 *
 * Features are 30-bit hashes computed from character codes, never strings:
 * building thousands of n-gram strings per message was most of the cost of
 * classifying one (a collision among ~100,000 features is rare and harmless).
 *
 * `natural` is imported file by file: its index pulls in database drivers and
 * runs dotenv on import (see ../shared/stack-notes.md); of its stemmers, the
 * Porter stemmer alone (all of them cost a fifth of a second at start-up).
 */
import type { PorterStemmer as Stemmer } from 'natural/lib/natural/stemmers';
import type { WordVectors } from './embeddings';
import { FeatureIndex, sortInts } from './feature-index';

const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as typeof Stemmer;

/** Entities become placeholders: the amount or order number does not say what is meant. */
function mask(text: string): string {
  return text
    .toLowerCase()
    .replace(/[$£€]\s?\d[\d,]*(\.\d+)?/g, ' zamount ')
    .replace(/\b[a-z]{2}[-\s]?\d{5,}\b/g, ' zorderno ')
    .replace(/\d+/g, (d) => (d.length === 5 ? ' zpostcode ' : ' znum '))
    .replace(/[’']/g, '');
}

/** Lower-case, entity-masked word tokens (the split of natural's WordTokenizer). */
export function words(text: string): string[] {
  return mask(text)
    .split(/[^A-Za-zА-Яа-я0-9_]+/)
    .filter((t) => t !== '');
}

const SEED = { word: 0x1b873593, raw: 0x2c1b3c6d, bigram: 0x297a2d39, trigram: 0x6b43a9b5, char: 0x3e5a1c87 };

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function combine(a: number, b: number): number {
  return fmix(Math.imul(a, 0x9e3779b1) ^ b);
}

function hashString(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/** What is known about one word, worked out once. */
interface Token {
  stem: number;
  raw: number;
  vector: Float32Array | undefined;
}

const STEP = 0x01000193;
const MASK = 0x3fffffff;

/** Appends the feature hashes of one utterance (with repeats: counts matter). */
function collect(tokens: readonly Token[], joined: string, out: Growable): void {
  for (let i = 0; i < tokens.length; i++) {
    const s = tokens[i]!.stem;
    out.push(combine(s, SEED.word) & MASK);
    out.push(combine(tokens[i]!.raw, SEED.raw) & MASK);
    if (i + 1 < tokens.length) {
      const b = combine(s, tokens[i + 1]!.stem);
      out.push(combine(b, SEED.bigram) & MASK);
      if (i + 2 < tokens.length) out.push(combine(combine(b, tokens[i + 2]!.stem), SEED.trigram) & MASK);
    }
  }
  // Character 3-, 4- and 5-grams of " word word ": one running hash per start.
  for (let i = 0; i + 3 <= joined.length; i++) {
    let h = SEED.char;
    for (let n = 1; n <= 5 && i + n <= joined.length; n++) {
      h = Math.imul(h ^ joined.charCodeAt(i + n - 1), STEP);
      if (n >= 3) out.push(fmix(h + n) & MASK);
    }
  }
}

/** A reusable, growing list of 32-bit integers (no garbage per message). */
class Growable {
  data = new Int32Array(512);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Buffers one message at a time is built in, grown to the longest message seen. */
class Scratch {
  keys = new Int32Array(512);
  counts = new Int32Array(512);
  idx = new Int32Array(512);
  val = new Float32Array(512);
  ensure(n: number): void {
    if (n <= this.keys.length) return;
    let size = this.keys.length;
    while (size < n) size *= 2;
    this.keys = new Int32Array(size);
    this.counts = new Int32Array(size);
    this.idx = new Int32Array(size);
    this.val = new Float32Array(size);
  }
}

/** A message's distinct feature hashes with their counts, and its tokens. */
interface Doc {
  keys: Int32Array;
  counts: Int32Array;
  tokens: Token[];
}

/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Weight of the meaning (word-vector) part against the word part. */
const DENSE_WEIGHT = 1.2;
/** Words remembered between messages; customers' typos must not grow it forever. */
const TOKEN_CACHE = 50_000;

/** A fitted vectorizer's state: feature hashes in index order, their idf, and whether word vectors were used. */
export interface VectorizerSnapshot {
  keys: Int32Array;
  idf: Float32Array;
  unseenIdf: number;
  vectors: boolean;
}

/** Vocabulary, inverse document frequencies and (optionally) word vectors. */
export class Vectorizer {
  private index = new FeatureIndex();
  private idf: Float32Array = new Float32Array(0);
  /** The idf a feature seen in no training message would have. */
  private unseenIdf = 1;
  private readonly tokens = new Map<string, Token>();
  private readonly hashes = new Growable();
  private readonly scratch = new Scratch();
  private meaningBuffer: Float32Array | null = null;

  constructor(private readonly vectors: WordVectors | null = null) {}

  /** What fitting learnt, for a model kept on disk (model-file.ts). */
  snapshot(): VectorizerSnapshot {
    return { keys: this.index.keys(), idf: this.idf, unseenIdf: this.unseenIdf, vectors: this.vectors !== null };
  }

  /** A vectorizer as fitted before; `vectors` must be the word vectors it was fitted with. */
  static restore(s: VectorizerSnapshot, vectors: WordVectors | null): Vectorizer {
    const v = new Vectorizer(vectors);
    v.index = FeatureIndex.of(s.keys);
    v.idf = s.idf;
    v.unseenIdf = s.unseenIdf;
    return v;
  }

  /** Feature count: the vocabulary, then the word-vector dimensions. */
  get size(): number {
    return this.index.size + (this.vectors?.dims ?? 0);
  }

  /** Learns the vocabulary and idf of `texts` and returns their vectors (each its own arrays). */
  fit(texts: readonly string[]): SparseVector[] {
    const docs = texts.map((t) => {
      const d = this.distinct(t);
      return { keys: d.keys.slice(), counts: d.counts.slice(), tokens: d.tokens };
    });
    const df: number[] = [];
    for (const { keys } of docs) {
      for (const key of keys) {
        const i = this.index.add(key);
        if (i === df.length) df.push(0);
        df[i]! += 1;
      }
    }
    const n = docs.length;
    this.idf = Float32Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
    this.unseenIdf = Math.log(1 + n) + 1;
    return docs.map((d) => {
      const v = this.vectorOf(d);
      return { idx: v.idx.slice(), val: v.val.slice() };
    });
  }

  /**
   * The vector of one message. It lives in buffers the next call reuses
   * (classifying allocates next to nothing, so no collector pause lands on a
   * customer's message): use it before transforming another, or copy it.
   */
  transform(text: string): SparseVector {
    return this.vectorOf(this.distinct(text));
  }

  private token(word: string): Token {
    let t = this.tokens.get(word);
    if (!t) {
      if (this.tokens.size >= TOKEN_CACHE) this.tokens.clear();
      t = { stem: hashString(PorterStemmer.stem(word), SEED.word), raw: hashString(word, SEED.raw), vector: this.vectors?.get(word) };
      this.tokens.set(word, t);
    }
    return t;
  }

  /** The distinct feature hashes of a message with their counts (in the scratch buffers), and its tokens. */
  private distinct(text: string): Doc {
    const raw = words(text);
    const tokens = raw.map((w) => this.token(w));
    const h = this.hashes;
    h.length = 0;
    collect(tokens, ` ${raw.join(' ')} `, h);
    const sorted = h.data.subarray(0, h.length);
    sortInts(sorted);
    this.scratch.ensure(sorted.length + (this.vectors?.dims ?? 0));
    const { keys, counts } = this.scratch;
    let m = -1;
    for (let i = 0; i < sorted.length; i++) {
      if (m >= 0 && keys[m] === sorted[i]) counts[m]!++;
      else {
        keys[++m] = sorted[i]!;
        counts[m] = 1;
      }
    }
    return { keys: keys.subarray(0, m + 1), counts: counts.subarray(0, m + 1), tokens };
  }

  private vectorOf(doc: Doc): SparseVector {
    const meaning = this.meaning(doc.tokens);
    this.scratch.ensure(doc.keys.length + (meaning ? meaning.length : 0));
    const { idx, val } = this.scratch;
    let k = 0;
    let norm = 0;
    for (let j = 0; j < doc.keys.length; j++) {
      const i = this.index.get(doc.keys[j]!);
      if (i < 0) {
        // Unseen words still count in the length: a message that is mostly
        // unfamiliar gets a small vector, small scores and a low confidence,
        // instead of being judged by the one familiar word in it.
        const u = (1 + Math.log(doc.counts[j]!)) * this.unseenIdf;
        norm += u * u;
        continue;
      }
      const v = (1 + Math.log(doc.counts[j]!)) * this.idf[i]!;
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
    return { idx: idx.subarray(0, k), val: val.subarray(0, k) };
  }

  /** The unit-length mean of the known words' vectors, weighted; null when no word is known. */
  private meaning(tokens: readonly Token[]): Float32Array | null {
    if (!this.vectors) return null;
    const dims = this.vectors.dims;
    const acc = (this.meaningBuffer ??= new Float32Array(dims)).fill(0);
    let found = 0;
    for (const t of tokens) {
      const v = t.vector;
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
