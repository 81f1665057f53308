/**
 * A web chat customer who closes the page while waiting for a person (Web
 * Chat sends nothing): once gone for WEBCHAT_ABANDON_MINUTES (no stream, no
 * poll, no message) the sweep records them as left: abandoned, out of the
 * queue. One who comes back in time keeps the place; an open stream whose
 * instance stops renewing it holds it for WEBCHAT_STREAM_LEASE_SECONDS. The
 * clock is the app's.
 */
import type WebSocket from 'ws';
import { readConfig } from '../../bot/config';
import { startApp, type RunningApp } from '../support/server';
import { auth, closePage as closeOn, cutStreams, minutesPass, pageStream, streamNote, until, waitingSofia } from '../support/web-waiting';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ WEBCHAT_ABANDON_MINUTES: '5' });
});
afterAll(() => app.close());

const dl = (path: string) => `${app.url}/v3/directline${path}`;
/** Time passes; the streams still open renewed their leases meanwhile (their heartbeat). */
const minutes = (n: number) => minutesPass([app], n);
const stream = async (id: string, token: string) => (await pageStream(app.url, { id, token })).ws;
const closePage = (ws: WebSocket, id: string) => closeOn(app, ws, id);

/** Sofia, on the page with its stream, waiting in the billing queue. */
async function waiting() {
  const sofia = await waitingSofia(app.url, app);
  return { ...sofia, ws: await stream(sofia.id, sofia.token) };
}

/** Gone for 4 minutes the customer still waits; for 6 (WEBCHAT_ABANDON_MINUTES is 5), the contact is abandoned and out of the queue. */
async function leavesAfterTheTime(sofia: { status(): Promise<string>; queued(): Promise<boolean> }): Promise<void> {
  await minutes(4);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('waiting');
  await minutes(2);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('abandoned');
  expect(await sofia.queued()).toBe(false);
}

it('a customer whose page stays closed for the time leaves the queue, recorded as abandoned', async () => {
  const sofia = await waiting();
  await closePage(sofia.ws, sofia.id);
  await leavesAfterTheTime(sofia);
  const events = (await app.app.store.events.read(-1)).map((e) => e.event).filter((e) => e.detail.contactId === sofia.contactId);
  expect(events.map((e) => e.kind)).toEqual(['abandoned']);
});

it('a customer who reloads (a new stream) within the time keeps the place; a later close still counts', async () => {
  const sofia = await waiting();
  await closePage(sofia.ws, sofia.id);
  await minutes(3);
  const again = await stream(sofia.id, sofia.token);
  await minutes(10);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('waiting');
  expect(await sofia.queued()).toBe(true);
  await closePage(again, sofia.id);
  await minutes(6);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('abandoned');
});

it('a message or a poll without a stream counts as being there', async () => {
  const sofia = await waiting();
  await closePage(sofia.ws, sofia.id);
  await minutes(4);
  await sofia.say('still there?');
  await minutes(3);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('waiting');
  await fetch(dl(`/conversations/${sofia.id}/activities?watermark=0`), { headers: auth(sofia.token) });
  await minutes(4);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('waiting');
  await minutes(2);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('abandoned');
});

it('a customer who only polls (no stream ever) and stops polling leaves the queue after the time', async () => {
  const sofia = await waitingSofia(app.url, app);
  expect((await fetch(dl(`/conversations/${sofia.id}/activities?watermark=0`), { headers: auth(sofia.token) })).status).toBe(200);
  await leavesAfterTheTime(sofia);
});

it('an open stream its instance no longer renews holds the place for WEBCHAT_STREAM_LEASE_SECONDS, then the customer is gone', async () => {
  const slow = await startApp({ WEBCHAT_ABANDON_MINUTES: '5', WEBCHAT_STREAM_LEASE_SECONDS: '600' });
  try {
    const sofia = await waitingSofia(slow.url, slow);
    await pageStream(slow.url, sofia);
    await until(async () => (await streamNote(slow, sofia.id))?.open === true);
    // No heartbeat (as if the instance holding the stream were killed): its 10-minute lease still says "here".
    slow.advance(6 * 60_000);
    await slow.directLine.away.sweep();
    expect(await sofia.status()).toBe('waiting');
    slow.advance(10 * 60_000);
    await slow.directLine.away.sweep();
    expect(await sofia.status()).toBe('abandoned');
  } finally {
    cutStreams();
    await slow.close();
  }
});

it('refuses a stream lease shorter than 15 s', () => {
  expect(() => readConfig({ FRONTLINE_MODE: 'demo', WEBCHAT_STREAM_LEASE_SECONDS: '10' })).toThrow(/WEBCHAT_STREAM_LEASE_SECONDS/);
});
