/**
 * The word-vector cache a start reads: every word finds its own row, a word
 * not kept finds none, and a file cut short or of another kind is refused
 * (the caller then rebuilds it from the package).
 */
import { vectorCacheBytes, vectorsFromCache, wordVectors } from '../../bot/nlu/embeddings';

const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`).concat(['phone', 'handset', "don't", 'e-mail']);
const dims = 4;
const rows = Float32Array.from({ length: words.length * dims }, (_, i) => i / 7);

describe('a word-vector cache', () => {
  const vectors = vectorsFromCache(vectorCacheBytes(words, rows, dims));

  it('gives every word its own row', () => {
    expect(vectors.dims).toBe(dims);
    words.forEach((w, i) => expect([...vectors.get(w)!]).toEqual([...rows.subarray(i * dims, (i + 1) * dims)]));
  });

  it('gives no row to a word it does not keep, nor to part of one', () => {
    for (const w of ['telephone', 'phon', 'phones', 'Phone', 'пример', '']) expect(vectors.get(w)).toBeUndefined();
  });

  it('is refused when cut short or of another kind', () => {
    const bytes = vectorCacheBytes(words, rows, dims);
    expect(() => vectorsFromCache(bytes.subarray(0, bytes.length - 1))).toThrow();
    expect(() => vectorsFromCache(Buffer.concat([Buffer.from('FLWV1'), bytes.subarray(5)]))).toThrow();
  });

  it('is read the same from a misaligned buffer', () => {
    const bytes = vectorCacheBytes(words, rows, dims);
    const shifted = Buffer.alloc(bytes.length + 1).subarray(1);
    bytes.copy(shifted);
    expect([...vectorsFromCache(shifted).get('handset')!]).toEqual([...vectors.get('handset')!]);
  });
});

describe('the installed word vectors', () => {
  it('know everyday words and not made-up ones', () => {
    const installed = wordVectors();
    if (!installed) return; // the package is optional: the classifier then uses n-grams alone
    expect(installed.get('phone')).toHaveLength(installed.dims);
    expect(installed.get('qwzxv')).toBeUndefined();
  });
});
