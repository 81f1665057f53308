/**
 * Classifying fast must not change what is understood: the best three the
 * bot asks for are the first three of the full ranking, a message never
 * leaks into the next one through the reused buffers, and the parts that
 * replaced library calls (the feature index, the integer sort) agree with
 * what they replaced.
 */
import { IntentClassifier, random, type Example } from '../../bot/nlu/classifier';
import { FeatureIndex, sortInts } from '../../bot/nlu/feature-index';
import { loadLabelled } from '../../bot/nlu/datasets';
import { wordVectors } from '../../bot/nlu/embeddings';
import { root } from '../support/harness';

jest.setTimeout(60_000);

const project = loadLabelled(root).map((t): Example => ({ text: t.text, label: t.label }));
const vectors = wordVectors();
const model = IntentClassifier.train(project, { vectors });
const messages = [
  'I was charged twice this month',
  'what are your opening hours',
  'hi',
  'asdf qwerty',
  // Long enough to grow the buffers past their first size.
  'my internet has been down since yesterday and I want to know when it will be back because I work from home '.repeat(6),
  'can I pay my bill by card',
];

describe('the best few', () => {
  it.each([1, 2, 3])('are the first %i of the full ranking, for every message', (n) => {
    for (const text of messages) expect(model.rank(text, n)).toEqual(model.rank(text).slice(0, n));
  });

  it('keep the labels order among equal confidences, as the full ranking does', () => {
    // A model that knows nothing: every label scores the same.
    const s = model.snapshot();
    const flat = IntentClassifier.restore({ ...s, weights: new Float32Array(s.weights.length), bias: new Float32Array(s.bias.length) }, vectors);
    const all = flat.rank('nothing in common');
    expect(new Set(all.map((r) => r.confidence)).size).toBe(1);
    expect(flat.rank('nothing in common', 2)).toEqual(all.slice(0, 2));
    expect(flat.rank('nothing in common', 2).map((r) => r.label)).toEqual(model.labels.slice(0, 2));
  });
});

describe('one message after another', () => {
  it('ranks a message the same whatever was ranked before it', () => {
    const alone = messages.map((text) => IntentClassifier.restore(model.snapshot(), vectors).rank(text, 3));
    const inTurn = messages.map((text) => model.rank(text, 3));
    const reversed = [...messages].reverse().map((text) => model.rank(text, 3)).reverse();
    expect(inTurn).toEqual(alone);
    expect(reversed).toEqual(alone);
  });
});

describe('the parts under it', () => {
  it('sorts integers as the built-in sort does, repeats and all', () => {
    const rand = random(3);
    for (let t = 0; t < 300; t++) {
      const a = Int32Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * (t % 2 ? 10 : 2 ** 30)));
      const expected = a.slice().sort();
      sortInts(a);
      expect(a).toEqual(expected);
    }
  });

  it('finds every key it was given at its column, and no other', () => {
    const rand = random(5);
    const keys = Int32Array.from(new Set(Array.from({ length: 5000 }, () => Math.floor(rand() * 2 ** 30))));
    const index = FeatureIndex.of(keys);
    expect(index.size).toBe(keys.length);
    expect([...keys].every((k, i) => index.get(k) === i)).toBe(true);
    expect(index.keys()).toEqual(keys);
    expect(index.get(2 ** 30 + 1)).toBe(-1);
    expect(index.add(keys[7]!)).toBe(7);
  });
});
