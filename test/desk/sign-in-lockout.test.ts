/**
 * Knowing an agent's id is not enough to lock them out (review finding 25):
 * sign-in attempts are limited per agent id and client address, with a much
 * higher per-id ceiling that spares addresses the agent signed in from, and
 * per address across ids. Through the wiring `npm start` uses, behind one
 * proxy (TRUST_PROXY=1): the client's address is the X-Forwarded-For entry
 * the proxy appended; without TRUST_PROXY the header is not believed.
 */
import { clientAddress } from '../../bot/client-address';
import { deskAgent } from '../support/desk-agent';
import { startApp, type RunningApp } from '../support/server';

jest.setTimeout(60_000);

const LIMITED = { code: 'TooManyRequests', message: 'too many sign-in attempts: try again in 15 minutes' };

let running: RunningApp;
beforeAll(async () => {
  running = await startApp({ TRUST_PROXY: '1' });
});
afterAll(async () => {
  await running?.close();
});
// Each test starts in a fresh window (addresses stay familiar for 30 days).
afterEach(() => running.advance(15 * 60_000));

const password = (id: string) => running.app.agents!.demoPasswords.find((a) => a.id === id)!.password;
/** A desk client coming from `address` (as the proxy in front says). */
const from = (address: string, on = running) => deskAgent(on.url, { 'x-forwarded-for': address });
const LEO_DESK = '198.51.100.7';

async function signInOnce(id: string, address: string): Promise<void> {
  expect((await from(address).signIn(id, password(id))).status).toBe(200);
}

it('five wrong passwords from one address lock only that address out: the agent signs in from their own desk', async () => {
  await signInOnce('leo', LEO_DESK);
  running.advance(3600_000);
  const attacker = from('203.0.113.9');
  for (let i = 0; i < 5; i++) expect((await attacker.signIn('leo', 'guess')).status).toBe(401);
  const held = await attacker.signIn('leo', password('leo'));
  expect([held.status, await held.json()]).toEqual([429, LIMITED]);
  expect((await from(LEO_DESK).signIn('leo', password('leo'))).status).toBe(200);
  // A place Leo never used is not held by the attacker's attempts either.
  expect((await from('192.0.2.44').signIn('leo', password('leo'))).status).toBe(200);
});

it('a guess spread over many addresses meets the per-id ceiling, which never holds an address the agent signed in from', async () => {
  await signInOnce('ruth', LEO_DESK.replace(/7$/, '8'));
  // With that first sign-in (from a place not yet familiar), 100 attempts for ruth: 99 wrong ones from
  // 33 addresses, 3 each, under the per-address and per-pair limits.
  for (let n = 0; n < 33; n++) {
    const bot = from(`203.0.113.${n + 10}`);
    for (let i = 0; i < 3; i++) expect((await bot.signIn('ruth', 'guess')).status).toBe(401);
  }
  const elsewhere = await from('192.0.2.45').signIn('ruth', password('ruth'));
  expect([elsewhere.status, await elsewhere.json()]).toEqual([429, LIMITED]);
  expect((await from(LEO_DESK.replace(/7$/, '8')).signIn('ruth', password('ruth'))).status).toBe(200);
});

it('answers alike for an id that is nobody: the limits say nothing of which ids exist', async () => {
  const attacker = from('203.0.113.77');
  for (const id of ['leo', 'nobody']) {
    for (let i = 0; i < 5; i++) expect(await (await attacker.signIn(id, 'guess')).json()).toEqual({ code: 'Unauthorized', message: 'unknown agent id or wrong password' });
    const held = await attacker.signIn(id, 'guess');
    expect([held.status, held.headers.get('retry-after'), await held.json()]).toEqual([429, '900', LIMITED]);
  }
});

it('one address trying many ids is held after 20 attempts, but not an agent who signed in from there before', async () => {
  const office = '203.0.113.99';
  await signInOnce('dana', office);
  const attacker = from(office);
  for (let i = 0; i < 19; i++) expect((await attacker.signIn(['marco', 'priya', 'leo', 'nobody'][i % 4]!, 'guess')).status).toBe(401);
  expect((await attacker.signIn('marco', password('marco'))).status).toBe(429);
  expect((await from('203.0.113.98').signIn('marco', password('marco'))).status).toBe(200);
  // Dana's sign-ins from the office are hers (per id and address): the office's count does not hold her.
  expect((await from(office).signIn('dana', password('dana'))).status).toBe(200);
});

it('without TRUST_PROXY, X-Forwarded-For is not believed: a client cannot pick its address', async () => {
  const direct = await startApp();
  try {
    for (let i = 0; i < 5; i++) expect((await from(`203.0.113.${i}`, direct).signIn('leo', 'guess')).status).toBe(401);
    expect((await from('203.0.113.200', direct).signIn('leo', direct.app.agents!.demoPasswords.find((a) => a.id === 'leo')!.password)).status).toBe(429);
  } finally {
    await direct.close();
  }
});

it('reads the address the outermost trusted proxy saw', () => {
  const req = (xff?: string) => ({ headers: xff === undefined ? {} : { 'x-forwarded-for': xff }, socket: { remoteAddress: '10.0.0.2' } }) as Parameters<typeof clientAddress>[0];
  expect(clientAddress(req('1.1.1.1, 2.2.2.2'), 0)).toBe('10.0.0.2');
  expect(clientAddress(req('1.1.1.1, 2.2.2.2'), 1)).toBe('2.2.2.2');
  expect(clientAddress(req('1.1.1.1, 2.2.2.2'), 2)).toBe('1.1.1.1');
  // A header shorter than the proxies said: the farthest address there is.
  expect(clientAddress(req('2.2.2.2'), 3)).toBe('2.2.2.2');
  expect(clientAddress(req(), 1)).toBe('10.0.0.2');
});
