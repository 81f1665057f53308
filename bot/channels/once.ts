/**
 * A delivery that runs once on any instance: Web Chat's retried message
 * (its clientActivityID), a Bot Framework activity delivered again, Twilio
 * repeating a webhook. The first delivery claims the id in the store and
 * stores its answer; a repeat gets that answer without running anything,
 * waiting a little while the first is still at work.
 */
import type { Deliveries, Json } from '../engine/store';

export interface OnceOptions {
  /** How long the answer is kept for repeats. */
  ttlMs: number;
  /** The clock, in milliseconds. */
  now: () => number;
  /** How long a repeat waits for the first delivery's answer (default 10 s). */
  waitMs?: number;
  /** How long a claim holds without an answer: a delivery that died frees its id after this (default 60 s). */
  claimMs?: number;
}

export type OnceResult<T> = { status: 'done'; answer: T; repeat: boolean } | { status: 'in_progress' };

const POLL_MS = 50;

/**
 * Runs `work` unless delivery `id` was run already (anywhere), and gives its
 * answer. A failed `work` frees the id, so the sender's retry runs it again.
 */
export async function runOnce<T extends Json>(deliveries: Deliveries, id: string, opts: OnceOptions, work: () => Promise<T>): Promise<OnceResult<T>> {
  const claimMs = opts.claimMs ?? 60_000;
  const waitUntil = Date.now() + (opts.waitMs ?? 10_000);
  for (;;) {
    const record = await deliveries.claim(id, claimMs, opts.now());
    if (record.status === 'done') return { status: 'done', answer: record.answer as T, repeat: true };
    if (record.status === 'new') break;
    // Real time, not the injected clock: this is how long a request waits, not a business rule.
    if (Date.now() >= waitUntil) return { status: 'in_progress' };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  let answer: T;
  try {
    answer = await work();
  } catch (err) {
    // An answer that expires at once releases the claim.
    await deliveries.answer(id, null, 0, opts.now()).catch(() => undefined);
    throw err;
  }
  await deliveries.answer(id, answer, opts.ttlMs, opts.now());
  return { status: 'done', answer, repeat: false };
}
