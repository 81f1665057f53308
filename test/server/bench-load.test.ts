/**
 * `npm run bench:load` as an operator runs it, with a tiny load: it starts
 * the bot, drives chat and phone customers at it and at the bare handler,
 * and prints one JSON object. Figures are not checked (no timed assertions):
 * only that they are there and that no turn failed.
 */
import { spawn } from 'node:child_process';
import { root } from '../support/harness';
import { scriptCommand } from '../support/spawn';

function bench(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [command, argv] = scriptCommand('bench-load', args);
  const child = spawn(command, argv, { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
}

it('closed loop over chat and phone prints the figures, against the bot and the bare handler, with no errors', async () => {
  // Long chat conversations (--turns) add the p50 of early and late turns.
  const run = await bench(['--json', '--concurrency', '2', '--duration', '1', '--voice', '0.5', '--turns', '20']);
  expect({ status: run.status, stderr: run.status ? run.stderr : '' }).toEqual({ status: 0, stderr: '' });
  const report = JSON.parse(run.stdout.trim()) as Record<string, unknown>;
  const fields = ['turns_per_s', 'p50_ms', 'p95_ms', 'p99_ms', 'errors', 'peak_rss_mb', 'baseline_turns_per_s', 'cpu_ms_per_turn'];
  for (const field of [...fields, 'offered_turns_per_s', 'early_p50_ms', 'late_p50_ms'])
    expect({ field, type: typeof report[field] }).toEqual({ field, type: 'number' });
  expect(report).toMatchObject({ mode: 'closed', store: 'sqlite', errors: 0, baseline_errors: 0 });
  expect(report.chat_turns).toEqual(expect.any(Number));
  expect(report.chat_turns as number).toBeGreaterThan(0);
  expect(report.voice_turns as number).toBeGreaterThan(0);
}, 180_000);

it('open loop offers turns at the rate, over a pool of conversations, and counts none of the warm-up', async () => {
  const run = await bench(['--json', '--rate', '40', '--duration', '1', '--warmup', '1', '--conversations', '10', '--no-baseline']);
  expect({ status: run.status, stderr: run.status ? run.stderr : '' }).toEqual({ status: 0, stderr: '' });
  const report = JSON.parse(run.stdout.trim()) as Record<string, number | string>;
  expect(report).toMatchObject({ mode: 'open', rate: 40, store: 'sqlite', errors: 0 });
  // One second measured at 40 a second, after a second of the same load that is not counted.
  expect(report.turns).toBe(40);
  expect(report.chat_turns as number).toBeGreaterThan(0);
  expect(report.voice_turns as number).toBeGreaterThan(0);
}, 180_000);

it('--workers 2 starts the bot as npm start does with WORKERS=2 and sums memory and CPU over its processes', async () => {
  // --settle (bench:memory's): the RSS read again once the load is over.
  const run = await bench(['--json', '--workers', '2', '--concurrency', '2', '--duration', '1', '--no-baseline', '--settle', '1']);
  expect({ status: run.status, stderr: run.status ? run.stderr : '' }).toEqual({ status: 0, stderr: '' });
  const report = JSON.parse(run.stdout.trim()) as Record<string, number | string>;
  expect(report).toMatchObject({ mode: 'closed', store: 'sqlite', workers: 2, errors: 0 });
  expect(report.chat_turns as number).toBeGreaterThan(0);
  // Read from /proc over the tree (figures not checked).
  expect(report.peak_rss_mb as number).toBeGreaterThan(0);
  expect(report.rss_after_mb as number).toBeGreaterThan(0);
  expect(report.primary_cpu_ms_per_turn).toEqual(expect.any(Number));
  // The workers' turns are counted, not the primary's CPU alone.
  expect(report.cpu_ms_per_turn as number).toBeGreaterThan(report.primary_cpu_ms_per_turn as number);
}, 180_000);
