/**
 * Safe unless told otherwise: the demo conveniences exist in demo mode only,
 * and production refuses to start half-configured, naming the variable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../bot/config';
import { hashPassword } from '../../bot/desk/agents';
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
    [{ QUEUES_API: 'on' }, /^QUEUES_API: on needs the agent desk in production: set AGENTS_FILE/],
    [{ BOTFRAMEWORK_CHANNEL: 'on', MicrosoftAppId: 'app' }, /^MicrosoftAppPassword: required in production/],
    [{ PUBLIC_URL: 'https://bot.example.test' }, /^TWILIO_AUTH_TOKEN: required with PUBLIC_URL/],
    [{ TWILIO_AUTH_TOKEN: 'token' }, /^PUBLIC_URL: required with TWILIO_AUTH_TOKEN/],
  ])('production refuses %j', (change, error) => {
    expect(() => readConfig({ ...ready, ...change }, root)).toThrow(error);
  });

  it('production takes the phone with both PUBLIC_URL and TWILIO_AUTH_TOKEN, and the token alone when it serves TaskRouter', () => {
    expect(readConfig({ ...ready, PUBLIC_URL: 'https://bot.example.test', TWILIO_AUTH_TOKEN: 'token' }, root).FRONTLINE_MODE).toBe('production');
    const taskRouter = { TWILIO_AUTH_TOKEN: 'token', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_WORKSPACE_SID: 'WS1', TWILIO_WORKFLOW_SID: 'WW1' };
    expect(readConfig({ ...ready, ...taskRouter }, root).taskRouter).not.toBeNull();
  });

  it('production names every refused setting at once, so one restart fixes them all', () => {
    expect(() => readConfig({ BOTFRAMEWORK_CHANNEL: 'off', DEMO_SIGN_IN: 'true' }, root)).toThrow(
      /^3 settings refused in production:\n- DIRECTLINE_SECRET: .*\n- CI_API_URL: .*\n- DEMO_SIGN_IN: /,
    );
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

describe('QUEUES_API in production', () => {
  it('is allowed with the desk on, and lists the queues to signed-in agents only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-queues-'));
    const file = join(dir, 'agents.yaml');
    writeFileSync(file, `agents:\n  - { id: dana, name: Dana, queues: [billing], password_hash: "${await hashPassword('a long enough password')}" }\n`);
    const app = await startApp({ FRONTLINE_MODE: 'production', ...ready, AGENTS_FILE: file, QUEUES_API: 'on' });
    try {
      expect(app.app.config.QUEUES_API).toBe('on');
      expect((await fetch(`${app.url}/api/queues`)).status).toBe(401);
      const dana = deskAgent(app.url);
      expect((await dana.signIn('dana', 'a long enough password')).status).toBe(200);
      const listed = (await (await dana.get('/api/queues')).json()) as { queues: { queue: string }[] };
      expect(listed.queues.map((q) => q.queue)).toEqual(['billing']);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
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
