/**
 * Safe unless told otherwise: the demo conveniences exist in demo mode only,
 * and production refuses to start half-configured, naming the variable.
 */
import { readConfig } from '../../bot/config';
import { root } from '../support/harness';
import { deskAgent } from '../support/desk-agent';
import { startApp } from '../support/server';

jest.setTimeout(60_000);

const ready = { DIRECTLINE_SECRET: 'x'.repeat(40), BOTFRAMEWORK_CHANNEL: 'off', CI_API_URL: 'https://ci.example.test/api' };

describe('the mode', () => {
  it('is production unless demo is asked for, and listens on loopback unless HOST is set', () => {
    expect(readConfig(ready, root).FRONTLINE_MODE).toBe('production');
    expect(readConfig({}, root, 'demo').FRONTLINE_MODE).toBe('demo');
    expect(readConfig({ ...ready, FRONTLINE_MODE: 'production' }, root, 'demo').FRONTLINE_MODE).toBe('production');
    expect(readConfig({ ...ready, NODE_ENV: 'production' }, root, 'demo').FRONTLINE_MODE).toBe('production');
    expect(readConfig({}, root, 'demo').HOST).toBe('127.0.0.1');
    expect(readConfig({ HOST: '0.0.0.0' }, root, 'demo').HOST).toBe('0.0.0.0');
  });

  it.each([
    [{ CI_API_URL: '' }, /^CI_API_URL: required in production/],
    [{ DIRECTLINE_SECRET: '' }, /^DIRECTLINE_SECRET: required in production/],
    [{ DEMO_SIGN_IN: 'true' }, /^DEMO_SIGN_IN: true is refused in production/],
    [{ QUEUES_API: 'on' }, /^QUEUES_API: on is refused in production/],
    [{ BOTFRAMEWORK_CHANNEL: 'on', MicrosoftAppId: 'app' }, /^MicrosoftAppPassword: required in production/],
  ])('production refuses %j', (change, error) => {
    expect(() => readConfig({ ...ready, ...change }, root)).toThrow(error);
  });
});

describe('in production', () => {
  it('mints no signed-in web chat token, lists no demo customers and serves no queues', async () => {
    const app = await startApp({ FRONTLINE_MODE: 'production', ...ready });
    try {
      const token = await fetch(`${app.url}/api/webchat/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'C1001' }) });
      expect(token.status).toBe(403);
      const anonymous = await fetch(`${app.url}/api/webchat/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(anonymous.status).toBe(200);
      expect(((await (await fetch(`${app.url}/api/webchat/config`)).json()) as { demoCustomers: unknown[] }).demoCustomers).toEqual([]);
      expect((await fetch(`${app.url}/api/queues`)).status).toBe(404);
      // No AGENTS_FILE: no desk, and no demo agents.
      expect((await fetch(`${app.url}/agent`)).status).toBe(404);
      expect(app.app.agents).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('in demo mode', () => {
  it('signs a visitor in as a demo customer and lists the queues', async () => {
    const app = await startApp();
    try {
      const res = await fetch(`${app.url}/api/webchat/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'C1001' }) });
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: string };
      expect(app.directLine.signer.verify(token)?.user).toBe('C1001');
      // The queues are the desk's: a demo agent signs in to read them.
      expect((await fetch(`${app.url}/api/queues`)).status).toBe(401);
      const dana = deskAgent(app.url);
      await dana.signIn('dana', app.app.agents!.demoPasswords.find((a) => a.id === 'dana')!.password);
      expect((await dana.get('/api/queues')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
