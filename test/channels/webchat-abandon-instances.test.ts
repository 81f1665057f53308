/**
 * The abandonment sweep (WEBCHAT_ABANDON_MINUTES) with two instances of the
 * app on one Redis, as behind a load balancer: both sweep, and a customer
 * gone for the time is recorded as abandoned exactly once; a customer whose
 * stream lives on one instance (its lease renewed) is not abandoned by the
 * other's sweep, even when an older stream of theirs closed there; and a
 * second stream on either instance closes the first ("collision").
 */
import { sharedRedis, twoInstances } from '../support/instances';
import type { RunningApp } from '../support/server';
import { cutStreams, minutesPass, pageStream, streamNote, until, waitingSofia } from '../support/web-waiting';

let a: RunningApp;
let b: RunningApp;
twoInstances(() => sharedRedis('away'), { WEBCHAT_ABANDON_MINUTES: '5' }, (x, y) => {
  [a, b] = [x, y];
}, cutStreams);

/** Time passes on both instances' clocks; the streams still open renewed their leases meanwhile (their heartbeat). */
const minutes = (n: number) => minutesPass([a, b], n);
/** Web Chat's stream on `on`, and how it ended. */
const stream = (on: RunningApp, id: string, token: string) => pageStream(on.url, { id, token });
/** Sofia, started on instance A, waiting in the billing queue (as B sees it). */
const waiting = () => waitingSofia(a.url, b);

it('records a customer gone for the time as abandoned exactly once while both instances sweep', async () => {
  const sofia = await waiting();
  const page = await stream(a, sofia.id, sofia.token);
  page.ws.close();
  await until(async () => (await streamNote(a, sofia.id))?.open === false);
  await minutes(4);
  expect(await Promise.all([a.directLine.away.sweep(), b.directLine.away.sweep()])).toEqual([0, 0]);
  expect(await sofia.status()).toBe('waiting');
  await minutes(2);
  const left = await Promise.all([a.directLine.away.sweep(), b.directLine.away.sweep(), a.directLine.away.sweep(), b.directLine.away.sweep()]);
  expect(left.reduce((x, y) => x + y)).toBe(1);
  expect(await sofia.status()).toBe('abandoned');
  expect(await sofia.abandonments()).toBe(1);
  await minutes(10);
  await Promise.all([a.directLine.away.sweep(), b.directLine.away.sweep()]);
  expect(await sofia.abandonments()).toBe(1);
});

it('closes a stream on one instance when the same conversation opens a stream on the other (collision)', async () => {
  const sofia = await waiting();
  const first = await stream(a, sofia.id, sofia.token);
  const second = await stream(b, sofia.id, sofia.token);
  await until(() => first.ended() !== null);
  expect(first.ended()).toEqual({ code: 1000, reason: 'collision' });
  expect(second.ended()).toBeNull();
  expect((await streamNote(a, sofia.id))?.open).toBe(true);
  second.ws.close();
});

it('does not abandon a customer whose stream lives on instance A because an older stream of theirs closed on B', async () => {
  const sofia = await waiting();
  // The page was on B; a reload lands on A, and the old stream's end reaches B afterwards.
  const old = await stream(b, sofia.id, sofia.token);
  const page = await stream(a, sofia.id, sofia.token);
  old.ws.close();
  await until(() => old.ended() !== null);
  await minutes(10);
  await Promise.all([a.directLine.away.sweep(), b.directLine.away.sweep()]);
  await minutes(10);
  await Promise.all([b.directLine.away.sweep(), a.directLine.away.sweep()]);
  expect(await sofia.status()).toBe('waiting');
  expect(page.ended()).toBeNull();
  // Once that page closes too, the customer is gone: abandoned, once.
  page.ws.close();
  await until(async () => (await streamNote(a, sofia.id))?.open === false);
  await minutes(6);
  await Promise.all([b.directLine.away.sweep(), a.directLine.away.sweep()]);
  expect(await sofia.status()).toBe('abandoned');
  expect(await sofia.abandonments()).toBe(1);
});
