/**
 * The CI system down, slow or garbled, through the wiring `npm start` uses:
 * Direct Line for chat and signed Twilio webhooks for calls, with the CI
 * profile API mocked by nock. Nobody is told "no account found" because the
 * CI system failed; what needs no account keeps working; a lookup that failed
 * is tried again on a later turn; a recent profile is served stale; a breaker
 * stops asking a dead service and asks again after its cooldown.
 */
import nock from 'nock';
import { ConfigError, readConfig } from '../../bot/config';
import type { ListedContact } from '../../bot/desk/contacts';
import { makeProfile, root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { chatSession, phoneSession, type Session } from '../support/sessions';
import { AUTH_TOKEN, PUBLIC_URL } from '../support/twilio';

const base = 'https://ci.example.test/api';
const profile = makeProfile({ id: 'C42', phones: ['+15550142424'] });
const byId = () => nock(base).get('/customers/C42');
const byPhone = () => nock(base).get('/customers/by-phone/%2B15550142424');

const HONEST = /can't reach your account details right now/;
const NOT_FOUND = /couldn't find an account/;
const PAID_UP = /You're all paid up/;

let app: RunningApp;
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1'); // the app itself
});
beforeEach(async () => {
  app = await startApp({ CI_API_URL: base, CI_API_TIMEOUT_MS: '200', TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterEach(async () => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  await app.close();
  expect(pending).toEqual([]); // every mocked request was made
});
afterAll(() => nock.enableNetConnect());

/** The waiting card of a conversation, as the agent reads it. */
async function cardOf(session: Session): Promise<ListedContact> {
  const card = (await app.app.queue.list())
    .flatMap((q) => q.waiting)
    .find((c) => c.conversationId.endsWith(session.id));
  if (!card) throw new Error(`no waiting contact for ${session.id}`);
  return card;
}

const all = (lines: string[]) => lines.join(' ');

describe('a signed-in web chat customer while the CI system fails', () => {
  it.each([
    ['is down (connection refused)', () => byId().replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })],
    ['answers 500', () => byId().reply(500)],
    ['is slow (no answer within CI_API_TIMEOUT_MS)', () => byId().delay(1000).reply(200, profile)],
    ['sends a body that is not JSON', () => byId().reply(200, '<html>maintenance</html>', { 'Content-Type': 'text/html' })],
    ['sends a profile that does not match the schema', () => byId().reply(200, { ...profile, scores: { value: 'high' } })],
  ])('hears an honest line when it %s, still gets what needs no account, and is looked up again later', async (_, fail) => {
    fail(); // the welcome's lookup
    const chat = await chatSession(app, 'C42');
    expect(all((await chat.start()).lines)).not.toMatch(/Test/); // no name: nobody was found

    fail(); // tried again on the next turn: the failed lookup was not marked done
    const balance = await chat.say("what's my balance?");
    expect(all(balance.lines)).toMatch(HONEST);
    expect(all(balance.lines)).not.toMatch(NOT_FOUND);
    expect(all(balance.lines)).not.toMatch(/phone number/); // a signed-in customer is not asked who they are
    expect(balance.handedOff).toBe(false);

    fail();
    const store = await chat.say('when is the San Jose store open?');
    expect(all(store.lines)).toMatch(/San Jose store is/);

    byId().reply(200, profile); // the CI system is back
    expect(all((await chat.say("what's my balance?")).lines)).toMatch(PAID_UP);
  });

  it('is served a profile found a few minutes ago, until CI_STALE_MINUTES have passed', async () => {
    byId().reply(200, profile);
    const chat = await chatSession(app, 'C42');
    await chat.start();
    app.advance(5 * 60_000); // past the fresh cache (60 s), within CI_STALE_MINUTES (15)
    byId().reply(503);
    expect(all((await chat.say("what's my balance?")).lines)).toMatch(PAID_UP);
    app.advance(15 * 60_000);
    byId().reply(503);
    const late = await chat.say("what's my balance?");
    expect(all(late.lines)).toMatch(HONEST);
  });

  it('reaches a person whose card carries what is known and says the profile was unavailable', async () => {
    byId().times(2).reply(500);
    const chat = await chatSession(app, 'C42');
    await chat.start();
    const out = await chat.say('I want to talk to a person');
    expect(out.handedOff).toBe(true);
    const card = await cardOf(chat);
    expect(card.customer).toMatchObject({ id: 'C42', name: null, profileUnavailable: true });
    expect(card.summary[0]?.title).toBe('Customer profile unavailable');
  });
});

describe('an anonymous web chat visitor while the CI system is slow', () => {
  it('gives the phone number and hears the honest line, never "no account found"', async () => {
    const chat = await chatSession(app, null);
    await chat.start();
    expect(all((await chat.say("what's my balance?")).lines)).toMatch(/phone number on your account/);
    byPhone().delay(1000).reply(200, profile);
    const answer = await chat.say('555 014 2424');
    expect(all(answer.lines)).toMatch(HONEST);
    expect(all(answer.lines)).not.toMatch(NOT_FOUND);
  });
});

describe('a caller while the CI system is down', () => {
  it('hears the honest line, and the agent card says the profile was unavailable', async () => {
    byPhone().times(3).reply(500);
    const call = phoneSession(app, '+15550142424');
    await call.start();
    const balance = await call.say("what's my balance");
    expect(all(balance.lines)).toMatch(HONEST);
    expect(all(balance.lines)).not.toMatch(NOT_FOUND);
    expect((await call.say('agent')).handedOff).toBe(true);
    call.check();
    // A caller ID is not an account: the card names no customer, and says why.
    expect((await cardOf(call)).customer).toMatchObject({ id: null, profileUnavailable: true });
  });
});

describe('the circuit breaker in front of the CI system', () => {
  it('stops asking after 5 failures in a row, asks again after its cooldown, and closes on success', async () => {
    const failing = byId().times(5).reply(500);
    const chat = await chatSession(app, 'C42');
    await chat.start();
    for (let i = 0; i < 4; i++) await chat.say('when is the San Jose store open?');
    expect(failing.isDone()).toBe(true);

    // Open: the next turns answer at once, without a request.
    const unasked = byId().reply(200, profile);
    expect(all((await chat.say("what's my balance?")).lines)).toMatch(HONEST);
    expect(unasked.isDone()).toBe(false);

    app.advance(30_000); // the cooldown: one trial request goes through
    expect(all((await chat.say("what's my balance?")).lines)).toMatch(PAID_UP);
    expect(unasked.isDone()).toBe(true);

    app.advance(5 * 60_000); // past the cache: closed again, the next lookup is a request
    const closed = byId().reply(200, profile);
    await chat.say("what's my balance?");
    expect(closed.isDone()).toBe(true);
  });
});

describe('CI_API_TIMEOUT_MS', () => {
  it('is refused above 5000 ms: every turn that looks a customer up would wait that long (a 30 s setting made the welcome take 30 s)', () => {
    expect(() => readConfig({ CI_API_TIMEOUT_MS: '30000' }, root, 'demo')).toThrow(ConfigError);
    expect(() => readConfig({ CI_API_TIMEOUT_MS: '30000' }, root, 'demo')).toThrow(/^CI_API_TIMEOUT_MS: at most 5000/);
    expect(readConfig({ CI_API_TIMEOUT_MS: '5000' }, root, 'demo').CI_API_TIMEOUT_MS).toBe(5000);
  });
});
