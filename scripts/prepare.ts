/**
 * Run by `npm install` (postinstall): converts the bundled word vectors to
 * their compact cache once, so that the first `npm start` does not spend
 * its first twenty seconds parsing a 300 MB JSON file. Never fails the
 * install: without the cache the bot converts on its first start instead.
 */
import { performance } from 'node:perf_hooks';
import { wordVectors } from '../bot/nlu/embeddings';

const started = performance.now();
try {
  const vectors = wordVectors();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(vectors ? `frontline: word vectors ready (${seconds} s)\n` : 'frontline: no word vectors installed; the classifier uses n-grams alone\n');
} catch (err) {
  process.stdout.write(`frontline: word vectors not prepared (${(err as Error).name}); the first start will convert them\n`);
}
