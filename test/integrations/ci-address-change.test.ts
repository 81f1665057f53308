/**
 * An address change against a real CI system (mocked with nock): the client
 * writes `PUT /customers/{id}/address` as integrations/ci/openapi.yaml says,
 * and a web chat customer of the app `npm start` composes with CI_API_URL
 * gets the change saved — or, when the CI system refuses it, a person who
 * sees the address the customer gave.
 */
import nock from 'nock';
import { ProfileSourceError } from '../../bot/engine/ports';
import { HttpProfileSource } from '../../integrations/ci/http-profiles';
import { makeProfile } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

const base = 'https://ci.example.test/api';
const profile = makeProfile({ id: 'C42', phones: ['+15550142424'] });
const newAddress = { line1: '12 Market Street', city: 'San Francisco', postcode: '94105' };

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1'); // the app itself
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]); // every mocked request was made
});
afterAll(() => nock.enableNetConnect());

describe('HttpProfileSource.updateAddress', () => {
  it('PUTs the address as JSON with the API key, and the next lookup reads it afresh', async () => {
    nock(base).get('/customers/C42').reply(200, profile);
    nock(base, { reqheaders: { authorization: 'Bearer s3cret', 'content-type': 'application/json' } })
      .put('/customers/C42/address', newAddress)
      .reply(204);
    nock(base).get('/customers/C42').reply(200, { ...profile, address: newAddress });
    const source = new HttpProfileSource({ baseUrl: base, apiKey: 's3cret' });
    expect((await source.byCustomerId('C42'))?.address.line1).toBe('1 Test Street');
    await source.updateAddress('C42', newAddress);
    expect((await source.byCustomerId('C42'))?.address.line1).toBe('12 Market Street');
  });

  it.each([
    [422, /refused the address change: 422/],
    [503, /refused the address change: 503/],
  ])('a %s is a failure that names the status, never the address', async (status, message) => {
    nock(base).put('/customers/C42/address').reply(status, { error: '12 Market Street is not valid' });
    const err = await new HttpProfileSource({ baseUrl: base }).updateAddress('C42', newAddress).then(
      () => null,
      (e: unknown) => e as ProfileSourceError,
    );
    expect(err).toBeInstanceOf(ProfileSourceError);
    expect(err!.message).toMatch(message);
    expect(`${err!.message} ${err!.hint}`).not.toContain('Market');
  });
});

describe('a web chat customer changes their address with CI_API_URL set', () => {
  let app: RunningApp;
  beforeEach(async () => {
    app = await startApp({ CI_API_URL: base, CI_API_KEY: 's3cret' });
  });
  afterEach(() => app.close());

  async function changeAddress() {
    nock(base).get('/customers/C42').reply(200, profile);
    const chat = await webCustomer(app, 'C42');
    expect((await chat.say('I need to update my address')).join()).toContain("What's the new street address?");
    await chat.say('12 Market Street');
    await chat.say('San Francisco');
    expect((await chat.say('94105')).join()).toContain('So the new address is 12 Market Street, San Francisco 94105. Shall I update it?');
    return chat;
  }

  it('is saved in the CI system, and the customer is told so', async () => {
    const chat = await changeAddress();
    nock(base).put('/customers/C42/address', newAddress).reply(204);
    const done = await chat.say('yes');
    expect(done).toContain('Done: your address is now 12 Market Street, San Francisco 94105.');
    expect((await app.app.queue.list()).flatMap((q) => q.waiting)).toEqual([]);
  });

  it('when the CI system refuses it, a person takes over and sees the address the customer gave', async () => {
    const chat = await changeAddress();
    nock(base).put('/customers/C42/address').reply(503);
    const said = (await chat.say('yes')).join('\n');
    expect(said).not.toContain('Done');
    // Nobody is at the desk in this test: passed on, with no wait promised.
    expect(said).toContain("I've passed your request to our");
    const card = (await app.app.queue.list()).flatMap((q) => q.waiting).find((h) => h.conversationId === chat.conversationId)!;
    expect(card.reason).toContain('address.update');
    const answers = card.summary.find((s) => s.section === 'answers');
    expect(answers?.lines).toEqual(['line1: 12 Market Street', 'city: San Francisco', 'new postcode: 94105', 'confirm: yes']);
  });
});
