/**
 * A real kill -9 of the instance holding Web Chat streams, on one Redis: the
 * bot runs as `npm start` runs it (`tsx bot/index.ts --demo`) and holds the
 * streams of two customers waiting for a person; a second instance (the app
 * composed in the test, its clock set to the machine's and then moved by
 * hand) carries on. The killed instance's stream leases lapse: the customer
 * whose page is gone is recorded as abandoned, once, by the survivor's
 * sweep; the customer who reconnected to the survivor keeps their place.
 */
import { startApp, type RunningApp } from '../support/server';
import { startBot, type StartedBot } from '../support/spawn';
import { REDIS_URL } from '../support/store-backends';
import { cutStreams, pageStream, streamNote, waitingSofia } from '../support/web-waiting';

jest.setTimeout(120_000);

const SECRET = 'two-instances-away-directline-secret-0123456789';

let killed: StartedBot;
let survivor: RunningApp;
let aUrl = '';

beforeAll(async () => {
  const env = { REDIS_URL, REDIS_PREFIX: `frontline-test:two-away:${process.pid}:${Date.now()}:`, DIRECTLINE_SECRET: SECRET, WEBCHAT_ABANDON_MINUTES: '5' };
  killed = startBot({ env: { ...env, CONTENT_RELOAD: 'off', DEMO_FIXED_DATES: 'true' } });
  survivor = await startApp(env);
  // The spawned bot runs on the machine's clock: the survivor's starts there too.
  survivor.advance(Date.now() - survivor.app.clock.now().getTime());
  aUrl = (await killed.listening).replace(/\/+$/, '');
});
afterAll(async () => {
  cutStreams();
  await killed.stop();
  await survivor.close();
  await survivor.app.store.close();
});

/** A customer who started on `base`, told it about a double charge, and waits in the billing queue. */
const waiting = (base: string) => waitingSofia(base, survivor, SECRET);
/** Web Chat's stream of the conversation on `base`; resolves once open, with how it ends. */
const stream = pageStream;

/** Whether the store says a stream holds the conversation now (any instance reads it). */
const held = async (id: string) => (await streamNote(survivor, id))?.open === true;

it('abandons, once, the customer whose instance was killed with their page gone, and keeps the one who reconnected elsewhere', async () => {
  const gone = await waiting(aUrl);
  const back = await waiting(aUrl);
  const streams = [await stream(aUrl, gone), await stream(aUrl, back)];
  for (let i = 0; i < 250 && !((await held(gone.id)) && (await held(back.id))); i++) await new Promise((r) => setTimeout(r, 20));
  expect([await held(gone.id), await held(back.id)]).toEqual([true, true]);

  process.kill(-killed.pid, 'SIGKILL');
  await killed.exited;
  expect(await Promise.all(streams.map((s) => s.closed))).toEqual([1006, 1006]);
  // One page reconnects, through the load balancer, to the instance still alive; the other was closed.
  await stream(survivor.url, back);

  survivor.advance(4 * 60_000);
  await survivor.directLine.streams.renew();
  await survivor.directLine.away.sweep();
  expect([await gone.status(), await back.status()]).toEqual(['waiting', 'waiting']);
  // The killed instance's leases lapsed long ago: five minutes after its last renewal the customer has left.
  survivor.advance(2 * 60_000);
  await survivor.directLine.streams.renew();
  await survivor.directLine.away.sweep();
  expect(await gone.status()).toBe('abandoned');
  expect(await back.status()).toBe('waiting');
  survivor.advance(10 * 60_000);
  await survivor.directLine.streams.renew();
  await survivor.directLine.away.sweep();
  expect([await gone.abandonments(), await back.abandonments()]).toEqual([1, 0]);
  expect(await back.status()).toBe('waiting');
});
