/**
 * `npm run nlu -- eval`: the benchmark the issue names (BANKING77, at least
 * 92% accuracy) and cross-validation on the project's own intents with
 * out-of-scope figures. Times and latencies are reported, not asserted here
 * (`npm run bench:nlu` prints them).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../support/harness';

jest.setTimeout(180_000);

// A copy of BANKING77 (CC BY 4.0; see its SOURCE.md) travels with the tests.
const banking77 = join(root, 'test', 'fixtures', 'banking77');

function evalJson(args: string[]) {
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'nlu.ts'), 'eval', ...args, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown> & { per_intent: unknown[]; sweep: unknown[] };
}

it('reaches 92% on BANKING77', () => {
  const r = evalJson(['--train', join(banking77, 'train.csv'), '--test', join(banking77, 'test.csv')]);
  expect(r.n_train).toBe(10003);
  expect(r.n_test).toBe(3080);
  expect(r.accuracy as number).toBeGreaterThanOrEqual(0.92);
  for (const key of ['macro_f1', 'in_scope_accuracy', 'oos_recall', 'oos_precision', 'train_ms', 'latency_p50_ms', 'latency_p99_ms']) expect(r).toHaveProperty(key);
});

it('cross-validates the project\'s intents, with out-of-scope figures and a threshold sweep', () => {
  const r = evalJson([]);
  expect(r.n_test).toBeGreaterThan(600);
  expect(r.in_scope_accuracy as number).toBeGreaterThan(0.8);
  expect(r.oos_recall as number).toBeGreaterThan(0.3);
  expect(r.per_intent.length).toBeGreaterThanOrEqual(20);
  expect(r.sweep).toHaveLength(10);
  // Calibrated: confidences mean what they say, so one threshold fits every intent.
  expect(r.calibration_error as number).toBeLessThan(0.08);
});
