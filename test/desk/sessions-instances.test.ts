/**
 * Desk sessions and sign-in limits on a shared store: two instances of the
 * app (as behind a load balancer) on one SQLite file, and on one Redis. An
 * agent signed in on one works on the other; signing out on one ends the
 * session on both; sign-in attempts spread over both count as on one, and
 * an address an agent signed in from is spared on both; an agent whose desk
 * page is open on one is at work for a customer on the other.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../bot/desk/agents';
import { deskAgent, deskEvents } from '../support/desk-agent';
import { sharedBackends, twoInstances } from '../support/instances';
import type { RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

const PASSWORD = 'correct horse battery staple';
const dir = mkdtempSync(join(tmpdir(), 'frontline-desk-instances-'));
const agentsFile = join(dir, 'agents.yaml');

beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  writeFileSync(agentsFile, `agents:\n  - { id: dana, name: Dana Reyes, queues: [billing], password_hash: "${hash}" }\n  - { id: leo, name: Leo Park, queues: [billing], password_hash: "${hash}" }\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(sharedBackends)('two instances on one %s store', (_name, shared) => {
  let a: RunningApp;
  let b: RunningApp;
  twoInstances(() => shared('desk'), { AGENTS_FILE: agentsFile }, (x, y) => {
    [a, b] = [x, y];
  });

  const me = (on: RunningApp, cookie: string) => fetch(`${on.url}/api/desk/me`, { headers: { cookie } });
  const signOut = (on: RunningApp, cookie: string, csrf: string) =>
    fetch(`${on.url}/api/desk/sign-out`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{}' });

  it('a session signed in on one instance works on the other, and signing out on one ends it on both', async () => {
    const dana = deskAgent(a.url);
    expect((await dana.signIn('dana', PASSWORD)).status).toBe(200);
    const onB = await me(b, dana.cookie);
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as { agent: { id: string }; csrf: string })).toMatchObject({ agent: { id: 'dana' }, csrf: dana.csrf });

    expect((await signOut(b, dana.cookie, dana.csrf)).status).toBe(200);
    for (const on of [a, b]) expect((await me(on, dana.cookie)).status).toBe(401);
    // The cookie kept from before signing out is refused on the instance it was made on.
    const again = await signOut(a, dana.cookie, dana.csrf);
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ code: 'Unauthorized', message: 'sign in at /agent first' });
  });

  it('wrong passwords for one agent id spread over both instances reach the limit as on one', async () => {
    const [onA, onB] = [deskAgent(a.url), deskAgent(b.url)];
    for (const agent of [onA, onB, onA, onB, onA]) expect((await agent.signIn('leo', 'not-the-password')).status).toBe(401);
    // The sixth attempt, on the other instance, is refused even with the right password.
    const limited = await onB.signIn('leo', PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('900');
    expect(await limited.json()).toEqual({ code: 'TooManyRequests', message: 'too many sign-in attempts: try again in 15 minutes' });
    expect((await onA.signIn('leo', PASSWORD)).status).toBe(429);
  });

  it('attempts from one address for many agent ids, spread over both instances, reach the address limit as on one', async () => {
    // A fresh window: the attempts of the tests above are over.
    for (const app of [a, b]) app.advance(15 * 60_000);
    for (let i = 0; i < 20; i++) expect((await deskAgent((i % 2 ? b : a).url).signIn(`nobody-${i}`, 'guess')).status).toBe(401);
    // Leo never signed in from this address: held, even with the right password.
    const limited = await deskAgent(a.url).signIn('leo', PASSWORD);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ code: 'TooManyRequests', message: 'too many sign-in attempts: try again in 15 minutes' });
    // Dana signed in from here in the first test: her own address is spared, on either instance.
    expect((await deskAgent(b.url).signIn('dana', PASSWORD)).status).toBe(200);
    // Twenty scrypt checks on a busy machine.
  }, 60_000);

  it('counts an agent whose desk page is open on one instance as at work for a customer chatting on the other', async () => {
    const asks = async () => (await (await webCustomer(b)).say('I want to talk to a person about my bill')).join('\n');
    expect(await asks()).toMatch(/nobody from the team is available right now/);
    // Dana (billing) opens her desk on A: its event stream.
    const dana = deskAgent(a.url);
    expect((await dana.signIn('dana', PASSWORD)).status).toBe(200);
    const page = await deskEvents(a.url, dana);
    await page.until(/event: ready/); // the page is open
    const told = await asks();
    expect(told).toMatch(/expected wait/);
    expect(told).not.toMatch(/available right now/);
    page.stop();
  });
});
