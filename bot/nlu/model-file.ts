/**
 * The trained model kept on disk, so a start with unchanged content skips
 * training. A file is named by a hash of everything the model depends on —
 * the training examples and labels, whether word vectors were used, and the
 * source of the classifier itself (this folder's training code, so a change
 * to it invalidates every kept model without anyone remembering to) — and is
 * used only if it reads back whole. Writes go to a temporary file renamed
 * into place: a crash or a second process never leaves half a model.
 *
 * Layout: MAGIC, u32 header length, JSON header, zero padding to 4 bytes,
 * then the arrays the header lists, each 4-byte aligned.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntentClassifier, type ClassifierSnapshot, type Example } from './classifier';
import type { WordVectors } from './embeddings';

const MAGIC = 'FLMODEL1';
/** The training code: a change to any of these makes a new model. */
const SOURCES = ['classifier.ts', 'features.ts', 'feature-index.ts', 'calibrate.ts', 'heldout.ts', 'embeddings.ts', 'train.ts', 'model-file.ts'];

let sourceHash: string | null = null;
function sourcesHash(): string {
  if (sourceHash === null) {
    const h = createHash('sha256');
    for (const f of SOURCES) {
      const file = join(__dirname, f);
      h.update(f).update(existsSync(file) ? readFileSync(file) : 'missing');
    }
    sourceHash = h.digest('hex');
  }
  return sourceHash;
}

/** The file name a model trained on `examples` (with the word vectors of that id, or none) is kept under. */
export function modelKey(examples: readonly Example[], vectors: string | null): string {
  const h = createHash('sha256').update(MAGIC).update(sourcesHash()).update(vectors === null ? 'no vectors' : `vectors ${vectors}`);
  for (const e of examples) h.update(e.label).update('\u0000').update(e.text).update('\u0001');
  return `model-${h.digest('hex').slice(0, 32)}.bin`;
}

type Arrays = Pick<ClassifierSnapshot, 'weights' | 'bias'> & { keys: Int32Array; idf: Float32Array };
const ARRAYS = ['keys', 'idf', 'weights', 'bias'] as const;

export function writeModel(file: string, model: IntentClassifier): void {
  const s = model.snapshot();
  const arrays: Arrays = { keys: s.vectorizer.keys, idf: s.vectorizer.idf, weights: s.weights, bias: s.bias };
  const header = Buffer.from(
    JSON.stringify({
      labels: s.labels,
      temperature: s.temperature,
      threshold: s.threshold,
      unseenIdf: s.vectorizer.unseenIdf,
      vectors: s.vectorizer.vectors,
      lengths: ARRAYS.map((a) => arrays[a].length),
    }),
  );
  const pad = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const head = Buffer.concat([Buffer.from(MAGIC), Buffer.alloc(4), header]);
  head.writeUInt32LE(header.length, MAGIC.length);
  const parts = [head, pad(head.length), ...ARRAYS.map((a) => Buffer.from(arrays[a].buffer, arrays[a].byteOffset, arrays[a].byteLength))];
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat(parts));
  renameSync(tmp, file);
}

/** The model kept in `file`, or null when there is none or it does not read back whole. */
export function readModel(file: string, vectors: WordVectors | null): IntentClassifier | null {
  if (!existsSync(file)) return null;
  try {
    const buf = readFileSync(file);
    if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
    const length = buf.readUInt32LE(MAGIC.length);
    const start = MAGIC.length + 4;
    const h = JSON.parse(buf.toString('utf8', start, start + length)) as {
      labels: string[]; temperature: number; threshold: number | null; unseenIdf: number; vectors: boolean; lengths: number[];
    };
    if (h.vectors !== (vectors !== null)) return null;
    let offset = start + length;
    offset += (4 - (offset % 4)) % 4;
    // Copied out of the file's buffer: typed arrays need aligned, owned memory.
    const take = <T extends Int32Array | Float32Array>(Kind: { new (n: number): T }, n: number): T => {
      const out = new Kind(n);
      new Uint8Array(out.buffer).set(buf.subarray(offset, offset + n * 4));
      offset += n * 4;
      return out;
    };
    const [keys, idf, weights, bias] = h.lengths as [number, number, number, number];
    const snapshot: ClassifierSnapshot = {
      labels: h.labels,
      vectorizer: { keys: take(Int32Array, keys), idf: take(Float32Array, idf), unseenIdf: h.unseenIdf, vectors: h.vectors },
      weights: take(Float32Array, weights),
      bias: take(Float32Array, bias),
      temperature: h.temperature,
      threshold: h.threshold,
    };
    if (offset !== buf.length || bias !== h.labels.length) return null;
    return IntentClassifier.restore(snapshot, vectors);
  } catch {
    return null;
  }
}

/** Models of earlier content are kept a while (an edit undone starts warm), not forever. */
const KEEP = 8;
function prune(dir: string, newest: string): void {
  const old = readdirSync(dir)
    .filter((f) => /^model-[0-9a-f]+\.bin$/.test(f) && join(dir, f) !== newest)
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of old.slice(KEEP - 1)) rmSync(join(dir, f), { force: true });
}

/**
 * The model for `examples` from `dir` if it was kept there, else `train()`'s,
 * kept for next time. A folder that cannot be written costs a training, not a start.
 */
export function keptOrTrained(
  dir: string,
  examples: readonly Example[],
  vectors: WordVectors | null,
  train: () => IntentClassifier,
): { model: IntentClassifier; kept: boolean } {
  const file = join(dir, modelKey(examples, vectors === null ? null : (vectors.id ?? `${vectors.dims} dims`)));
  const kept = readModel(file, vectors);
  if (kept) return { model: kept, kept: true };
  const model = train();
  try {
    mkdirSync(dir, { recursive: true });
    writeModel(file, model);
    prune(dir, file);
  } catch {
    rmSync(`${file}.${process.pid}.tmp`, { force: true });
  }
  return { model, kept: false };
}
