/**
 * The CI profile REST client against a mocked CI system (nock intercepts
 * Node's global fetch): found, not found, invalid, slow, cached — and a
 * conversation that goes on as an unknown customer when the CI system fails.
 */
import nock from 'nock';
import { ProfileSourceError } from '../../bot/engine/ports';
import { HttpProfileSource } from '../../integrations/ci/http-profiles';
import { harness, makeProfile } from '../support/harness';

const base = 'https://ci.example.test/api';
const profile = makeProfile({ id: 'C42', phones: ['+15550142424'], scores: { value: 90, potential: 90, churnRisk: 0.1 } });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]); // every mocked request was made
});
afterAll(() => nock.enableNetConnect());

const failure = (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('expected the lookup to fail');
  },
  (e: unknown) => e as ProfileSourceError,
);

describe('HttpProfileSource', () => {
  it('finds a customer by phone, validated, with the API key', async () => {
    nock(base, { reqheaders: { authorization: 'Bearer s3cret', accept: 'application/json' } })
      .get('/customers/by-phone/%2B15550142424')
      .reply(200, { ...profile, products: undefined, extra: 'ignored' });
    const source = new HttpProfileSource({ baseUrl: `${base}/`, apiKey: 's3cret' });
    const found = await source.byPhone('(555) 014-2424');
    expect(found?.id).toBe('C42');
    expect(found?.scores.value).toBe(90);
    expect(found?.products).toEqual([]); // schema defaults applied
  });

  it('sends no Authorization header without an API key', async () => {
    nock(base, { badheaders: ['authorization'] }).get('/customers/C42').reply(200, profile);
    expect((await new HttpProfileSource({ baseUrl: base }).byCustomerId('C42'))?.id).toBe('C42');
  });

  it('URL-encodes the customer id', async () => {
    nock(base).get('/customers/C%2F42%3Fx').reply(404);
    expect(await new HttpProfileSource({ baseUrl: base }).byCustomerId('C/42?x')).toBeNull();
  });

  it('answers null for nobody, and remembers it for a short while', async () => {
    nock(base).get('/customers/C404').once().reply(404, { error: 'not found' });
    const source = new HttpProfileSource({ baseUrl: base, notFoundTtlMs: 100 });
    expect(await source.byCustomerId('C404')).toBeNull();
    expect(await source.byCustomerId('C404')).toBeNull(); // no second request
    await new Promise((r) => setTimeout(r, 150));
    nock(base).get('/customers/C404').reply(200, { ...profile, id: 'C404' });
    expect((await source.byCustomerId('C404'))?.id).toBe('C404');
  });

  it('caches a found profile: the second lookup makes no request, and nobody can change what it holds', async () => {
    nock(base).get('/customers/C42').once().reply(200, profile);
    const source = new HttpProfileSource({ baseUrl: base });
    const first = (await source.byCustomerId('C42'))!;
    expect(() => (first.firstName = 'Changed')).toThrow(TypeError);
    const again = await source.byCustomerId('C42');
    expect(again?.firstName).toBe('Test');
  });

  it('finds by id what it found by phone, without asking again', async () => {
    nock(base).get('/customers/by-phone/%2B15550142424').once().reply(200, profile);
    const source = new HttpProfileSource({ baseUrl: base });
    await source.byPhone('+15550142424');
    expect((await source.byCustomerId('C42'))?.id).toBe('C42');
  });

  it('makes one request for lookups that arrive together', async () => {
    nock(base).get('/customers/C42').once().delay(50).reply(200, profile);
    const source = new HttpProfileSource({ baseUrl: base });
    const [a, b] = await Promise.all([source.byCustomerId('C42'), source.byCustomerId('C42')]);
    expect([a?.id, b?.id]).toEqual(['C42', 'C42']);
  });

  it('rejects an invalid profile, naming the field and never echoing the body', async () => {
    nock(base)
      .get('/customers/C42')
      .reply(200, { ...profile, scores: { value: 'high', potential: 1, churnRisk: 0 }, lastName: 'Secretname' });
    const err = await failure(new HttpProfileSource({ baseUrl: base }).byCustomerId('C42'));
    expect(err).toBeInstanceOf(ProfileSourceError);
    expect(err.message).toBe('CI profile API sent an invalid profile: scores.value: Expected number, received string');
    expect(err.hint).toContain('scores.value');
    expect(`${err.message} ${err.hint}`).not.toMatch(/Secretname|high|5550142424/);
  });

  it('rejects a body that is not JSON', async () => {
    nock(base).get('/customers/C42').reply(200, 'Dear Secretname', { 'Content-Type': 'text/plain' });
    const err = await failure(new HttpProfileSource({ baseUrl: base }).byCustomerId('C42'));
    expect(err).toBeInstanceOf(ProfileSourceError);
    expect(err.message).toBe('CI profile API sent a body that is not JSON');
  });

  it('gives up after the timeout', async () => {
    nock(base).get('/customers/C42').delay(1000).reply(200, profile);
    const source = new HttpProfileSource({ baseUrl: base, timeoutMs: 200 });
    const started = Date.now();
    const err = await failure(source.byCustomerId('C42'));
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(ProfileSourceError);
    expect(err.message).toBe('CI profile API did not answer within 200 ms');
    expect(err.hint).toMatch(/CI_API_TIMEOUT_MS/);
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(700);
  });

  it('treats a server error as a failure, not as "nobody", and does not cache it', async () => {
    nock(base).get('/customers/C42').reply(503, 'busy').get('/customers/C42').reply(200, profile);
    const source = new HttpProfileSource({ baseUrl: base });
    await expect(source.byCustomerId('C42')).rejects.toThrow(new ProfileSourceError('CI profile API answered 503', ''));
    expect((await source.byCustomerId('C42'))?.id).toBe('C42');
  });

  it('reports an unreachable API without the URL (it may hold a phone number)', async () => {
    nock(base).get('/customers/by-phone/%2B15550142424').replyWithError('connect ECONNREFUSED ci.example.test/customers/by-phone/+15550142424');
    const err = await failure(new HttpProfileSource({ baseUrl: base }).byPhone('+15550142424'));
    expect(err).toBeInstanceOf(ProfileSourceError);
    expect(err.message).toMatch(/^CI profile API unreachable/);
    expect(err.message).not.toContain('5550142424');
  });

  it('uses the fetch it is given', async () => {
    const seen: { url: string; headers: unknown }[] = [];
    const fake: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), headers: init?.headers });
      return new Response(JSON.stringify(profile), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const source = new HttpProfileSource({ baseUrl: 'http://ci.internal', apiKey: 'k', fetch: fake });
    expect((await source.byPhone('555-014-2424'))?.id).toBe('C42');
    expect(seen).toEqual([
      { url: 'http://ci.internal/customers/by-phone/%2B15550142424', headers: { Accept: 'application/json', Authorization: 'Bearer k' } },
    ]);
  });
});

describe('a conversation when the CI system fails', () => {
  it.each([
    ['times out', () => nock(base).get('/customers/by-phone/%2B15550142424').delay(1000).reply(200, profile)],
    ['sends garbage', () => nock(base).get('/customers/by-phone/%2B15550142424').reply(200, { id: 1 })],
    ['is down', () => nock(base).get('/customers/by-phone/%2B15550142424').reply(500)],
  ])('goes on as an unknown, standard customer when it %s', async (_, mock) => {
    mock();
    const h = harness({ profiles: new HttpProfileSource({ baseUrl: base, timeoutMs: 200 }) });
    const c = h.conversation({ channel: 'voice', identity: { kind: 'phone', value: '+15550142424' } });
    await c.start();
    const out = await c.say('I want to make a complaint about your service');
    expect(out.handoff?.handoff.customer).toMatchObject({ id: null, segment: 'standard' });
    expect(out.handoff?.handoff.priority).toBe(20);
  });

  it('uses the profile when the CI system answers', async () => {
    nock(base).get('/customers/by-phone/%2B15550142424').reply(200, profile);
    const h = harness({ profiles: new HttpProfileSource({ baseUrl: base }) });
    const c = h.conversation({ channel: 'voice', identity: { kind: 'phone', value: '+15550142424' } });
    await c.start();
    const out = await c.say('I want to make a complaint about your service');
    expect(out.handoff?.handoff.customer).toMatchObject({ id: 'C42', segment: 'platinum' });
    expect(out.handoff?.handoff.queue).toBe('premium');
  });
});
