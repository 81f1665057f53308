/**
 * The desk's HTTP side: signing in, sessions in HttpOnly SameSite cookies,
 * CSRF on every change, sign-in attempts limited, and a contact never shown
 * to an agent who does not serve its queue.
 */
import type { DeskRoutes } from '../../bot/desk/routes';
import { silentLogger } from '../../bot/log';
import { deskAgent } from '../support/desk-agent';
import { fakeHandoff, FakeDesk } from '../support/fake-desk';
import { startApp, type RunningApp } from '../support/server';

let running: RunningApp;
let desk: FakeDesk;
let routes: DeskRoutes;
const password = (id: string) => running.app.agents!.demoPasswords.find((a) => a.id === id)!.password;

beforeAll(async () => {
  desk = new FakeDesk();
  running = await startApp({}, { desk });
  const { app } = running;
  routes = running.deskRoutes!;
  desk.add(fakeHandoff('h-billing', 'billing'));
  desk.add(fakeHandoff('h-tech', 'tech_support', { intent: { name: 'tech_support', label: 'Technical problem', confidence: 0.8 } }));
});

afterAll(async () => {
  await running?.close();
});

const reads = ['/api/desk/me', '/api/desk/queues', '/api/desk/mine', '/api/desk/contacts/h-billing', '/api/queues', '/api/desk/events'];
const changes = ['accept', 'messages', 'typing', 'transfer', 'back-to-bot', 'end', 'offers'].map((a) => `/api/desk/contacts/h-billing/${a}`).concat('/api/desk/sign-out');

describe('desk sessions', () => {
  it('every desk route and /api/queues refuse a request without a session, or with a forged one', async () => {
    const forged = { cookie: 'frontline_desk=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    for (const path of reads) {
      expect([path, (await fetch(`${running.url}${path}`)).status]).toEqual([path, 401]);
      expect([path, (await fetch(`${running.url}${path}`, { headers: forged })).status]).toEqual([path, 401]);
    }
    for (const path of changes) {
      const res = await fetch(`${running.url}${path}`, { method: 'POST', headers: { ...forged, 'content-type': 'application/json', 'x-csrf-token': 'x' }, body: '{}' });
      expect([path, res.status]).toEqual([path, 401]);
    }
    expect(await (await fetch(`${running.url}/api/desk/queues`)).json()).toEqual({ code: 'Unauthorized', message: 'sign in at /agent first' });
  });

  it('every change refuses a signed-in agent without the CSRF token, or with another session’s', async () => {
    const dana = deskAgent(running.url);
    expect((await dana.signIn('dana', password('dana'))).status).toBe(200);
    const marco = deskAgent(running.url);
    await marco.signIn('marco', password('marco'));
    for (const path of changes) {
      expect([path, (await dana.post(path, {}, null)).status]).toEqual([path, 403]);
      expect([path, (await dana.post(path, {}, marco.csrf)).status]).toEqual([path, 403]);
    }
    expect(desk.contacts.get('h-billing')!.status).toBe('waiting');
  });

  it('signs in with an HttpOnly, SameSite=Strict cookie, and signing out ends the session', async () => {
    const pre = await fetch(`${running.url}/api/desk/sign-in`);
    const { csrf } = (await pre.json()) as { csrf: string };
    const preCookie = pre.headers.getSetCookie()[0]!.split(';')[0]!;
    const res = await fetch(`${running.url}/api/desk/sign-in`, {
      method: 'POST',
      headers: { cookie: preCookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ agentId: 'priya', password: password('priya') }),
    });
    expect(res.status).toBe(200);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('frontline_desk='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).not.toMatch(/Secure/);
    const me = (await res.json()) as { agent: { id: string; name: string; queues: string[] }; csrf: string };
    expect(me.agent).toEqual({ id: 'priya', name: 'Priya', roles: ['agent'], queues: ['tech_support'] });
    expect(JSON.stringify(me)).not.toMatch(/scrypt|password/);

    const cookie = session.split(';')[0]!;
    expect((await fetch(`${running.url}/api/desk/me`, { headers: { cookie } })).status).toBe(200);
    const out = await fetch(`${running.url}/api/desk/sign-out`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': me.csrf }, body: '{}' });
    expect(out.status).toBe(200);
    expect((await fetch(`${running.url}/api/desk/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('refuses a sign-in without the pre-session token, a wrong password, and too many attempts', async () => {
    const noToken = await fetch(`${running.url}/api/desk/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agentId: 'leo', password: password('leo') }) });
    expect(noToken.status).toBe(403);
    const leo = deskAgent(running.url);
    const wrong = await leo.signIn('leo', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ code: 'Unauthorized', message: 'unknown agent id or wrong password' });
    for (let i = 0; i < 4; i++) await leo.signIn('leo', 'still-wrong');
    // The sixth attempt is refused even with the right password.
    const limited = await leo.signIn('leo', password('leo'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('900');
  });
});

describe('what an agent sees', () => {
  it('a contact in a queue the agent does not serve is never shown, whatever id is guessed', async () => {
    const dana = deskAgent(running.url);
    await dana.signIn('dana', password('dana'));
    const { queues } = (await (await dana.get('/api/desk/queues')).json()) as { queues: { queue: string; waiting: { contactId: string }[] }[] };
    expect(queues.map((q) => q.queue)).toEqual(['billing']);
    expect(queues[0]!.waiting.map((c) => c.contactId)).toEqual(['h-billing']);
    const legacy = (await (await dana.get('/api/queues')).json()) as { queues: { queue: string }[] };
    expect(legacy.queues.map((q) => q.queue)).toEqual(['billing']);

    const peek = await dana.get('/api/desk/contacts/h-tech');
    expect(peek.status).toBe(404);
    expect(await peek.json()).toEqual({ code: 'NotFound', message: 'no such contact in the queues you serve' });
    expect((await dana.post('/api/desk/contacts/h-tech/accept')).status).toBe(404);
    expect(desk.contacts.get('h-tech')!.status).toBe('waiting');
  });

  it('refusals answer a clear JSON sentence, never a stack', async () => {
    const marco = deskAgent(running.url);
    await marco.signIn('marco', password('marco'));
    desk.add(fakeHandoff('h-race', 'billing'));
    const ruth = deskAgent(running.url);
    await ruth.signIn('ruth', password('ruth'));
    expect((await ruth.post('/api/desk/contacts/h-race/accept')).status).toBe(200);
    const late = await marco.post('/api/desk/contacts/h-race/accept');
    expect(late.status).toBe(409);
    expect(await late.json()).toEqual({ code: 'Taken', message: 'another agent took this contact first' });
    const empty = await ruth.post('/api/desk/contacts/h-race/messages', { text: '   ' });
    expect(await empty.json()).toEqual({ code: 'BadRequest', message: 'write something first' });
    const end = await ruth.post('/api/desk/contacts/h-race/end', { disposition: 'made_up' });
    expect(await end.json()).toEqual({ code: 'UnknownDisposition', message: 'choose a disposition from the list' });
  });

  it('an answer to a next-best-action prompt is recorded as an outcome', async () => {
    const dana = deskAgent(running.url);
    await dana.signIn('dana', password('dana'));
    expect((await dana.post('/api/desk/contacts/h-billing/offers', { offer: 'renewal', answer: 'declined' })).status).toBe(200);
    expect((await dana.post('/api/desk/contacts/h-billing/offers', { offer: 'broadband', answer: 'accepted' })).status).toBe(400);
    const events = await running.app.store.events.read(-1);
    expect(events.map((e) => e.event).filter((e) => e.kind === 'offer')).toEqual([
      expect.objectContaining({ conversationId: 'directline:h-billing', intent: 'billing_dispute', detail: expect.objectContaining({ offer: 'renewal', answer: 'declined', agent: 'dana' }) }),
    ]);
  });

  it('live events reach the agents of the contact’s queue only', async () => {
    const dana = deskAgent(running.url);
    await dana.signIn('dana', password('dana'));
    const priya = deskAgent(running.url);
    await priya.signIn('priya', password('priya'));
    const listen = async (agent: typeof dana) => {
      const controller = new AbortController();
      const res = await fetch(`${running.url}/api/desk/events`, { headers: { cookie: agent.cookie }, signal: controller.signal });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      return {
        async until(pattern: RegExp) {
          while (!pattern.test(text)) text += new TextDecoder().decode((await reader.read()).value);
          return text;
        },
        text: () => text,
        stop: () => controller.abort(),
      };
    };
    const danaStream = await listen(dana);
    const priyaStream = await listen(priya);
    await danaStream.until(/event: ready/);
    await priyaStream.until(/event: ready/);
    desk.add(fakeHandoff('h-live', 'billing'));
    desk.add(fakeHandoff('h-live-tech', 'tech_support'));
    expect(await danaStream.until(/h-live/)).toMatch(/event: contact\ndata: \{"kind":"contact","contact":\{"contactId":"h-live"/);
    expect(await priyaStream.until(/h-live-tech/)).not.toMatch(/"contactId":"h-live"/);
    expect(danaStream.text()).not.toMatch(/h-live-tech/);
    danaStream.stop();
    priyaStream.stop();
    expect(routes.streams.open).toBeGreaterThanOrEqual(0);
  });
});
