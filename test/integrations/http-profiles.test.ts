/**
 * The CI profile REST client against a mocked CI system (nock): found, not
 * found, invalid, slow — and a conversation that goes on as an unknown
 * customer when the CI system fails.
 */
import nock from 'nock';
import { ProfileSourceError } from '../../bot/engine/ports';
import { HttpProfileSource } from '../../integrations/ci/http-profiles';
import { harness, makeProfile } from '../support/harness';

const base = 'https://ci.example.test/api';
const profile = makeProfile({ id: 'C42', phones: ['+15550142424'], scores: { value: 90, potential: 90, churnRisk: 0.1 } });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('HttpProfileSource', () => {
  it('finds a customer by phone, validated, with the API key', async () => {
    const scope = nock(base, { reqheaders: { authorization: 'Bearer s3cret', accept: 'application/json' } })
      .get('/customers/by-phone/%2B15550142424')
      .reply(200, profile);
    const source = new HttpProfileSource({ baseUrl: base, apiKey: 's3cret' });
    const found = await source.byPhone('(555) 014-2424');
    expect(found?.id).toBe('C42');
    expect(found?.scores.value).toBe(90);
    scope.done();
  });

  it('answers null for nobody, and remembers it', async () => {
    const scope = nock(base).get('/customers/C404').once().reply(404, { error: 'not found' });
    const source = new HttpProfileSource({ baseUrl: base });
    expect(await source.byCustomerId('C404')).toBeNull();
    expect(await source.byCustomerId('C404')).toBeNull();
    scope.done();
  });

  it('caches a found profile: the second lookup makes no request', async () => {
    const scope = nock(base).get('/customers/C42').once().reply(200, profile);
    const source = new HttpProfileSource({ baseUrl: base });
    await source.byCustomerId('C42');
    const again = await source.byCustomerId('C42');
    expect(again?.firstName).toBe('Test');
    scope.done();
  });

  it('rejects an invalid profile, naming the field and never echoing the body', async () => {
    nock(base)
      .get('/customers/C42')
      .reply(200, { ...profile, scores: { value: 'high', potential: 1, churnRisk: 0 }, lastName: 'Secretname' });
    const source = new HttpProfileSource({ baseUrl: base });
    const err = await source.byCustomerId('C42').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileSourceError);
    expect((err as Error).message).toBe('CI profile API sent an invalid profile: scores.value: Expected number, received string');
    expect((err as Error).message).not.toContain('Secretname');
  });

  it('gives up after the timeout', async () => {
    nock(base).get('/customers/C42').delay(1500).reply(200, profile);
    const source = new HttpProfileSource({ baseUrl: base, timeoutMs: 200 });
    const started = Date.now();
    const err = await source.byCustomerId('C42').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileSourceError);
    expect((err as Error).message).toBe('CI profile API did not answer within 200 ms');
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('treats a server error as a failure, not as "nobody"', async () => {
    nock(base).get('/customers/C42').reply(503, 'busy');
    const source = new HttpProfileSource({ baseUrl: base });
    await expect(source.byCustomerId('C42')).rejects.toThrow('CI profile API answered 503');
  });
});

describe('a conversation when the CI system fails', () => {
  it.each([
    ['times out', () => nock(base).get('/customers/by-phone/%2B15550142424').delay(1500).reply(200, profile)],
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
