/**
 * The store as `npm start` wires it (compose with DATA_DIR): a conversation
 * mid-dialog carries on after a restart, and two instances that both ran a
 * turn of one conversation (the first one's lease ran out) lose neither.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, type App, type ComposeOverrides } from '../../bot/compose';
import { readConfig } from '../../bot/config';
import type { ProfileSource } from '../../bot/engine/ports';
import type { TurnInput } from '../../bot/engine/turn';
import { silentLogger } from '../../bot/log';
import { FileProfileSource } from '../../integrations/ci/file-profiles';
import { demoBrain, root, TODAY } from '../support/harness';

describe('conversation state in the durable store', () => {
  let dir: string;
  const apps: App[] = [];
  const start = async (overrides: ComposeOverrides = {}) => {
    const config = readConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', DEMO_FIXED_DATES: 'true' }, root, 'demo');
    const app = await compose(config, silentLogger, { clock: { now: () => TODAY }, brain: demoBrain(), ...overrides });
    apps.push(app);
    return app;
  };
  const chat = (text: string): TurnInput => ({ conversationId: 'web-1', channel: 'chat', identity: { kind: 'customerId', value: 'C1011', authenticated: true }, text });
  const said = (out: { replies: { text: string }[] }) => out.replies.map((r) => r.text).join(' ');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontline-engine-store-'));
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lives in SQLite under DATA_DIR: a restarted bot carries on with the question it asked', async () => {
    const before = await start();
    expect(before.store.kind).toBe('sqlite');
    expect(said(await before.engine.turn(chat('where is my order')))).toContain('You have 2 open orders. Which one would you like to track?');
    await before.store.close();

    const after = await start();
    const answer = await after.engine.turn(chat('2'));
    expect(said(answer)).toContain('Your order BW-550002 (Samsung Galaxy S25) is processing.');
    expect(answer.turn).toBe(2);
  });

  it('keeps both turns when a second instance took the conversation while the first was stuck: the first redoes its turn on the newer state', async () => {
    const profiles = FileProfileSource.loadSync(join(root, 'integrations/demo/customers.yaml'));
    let unblock = () => {};
    let stuck = () => {};
    const isStuck = new Promise<void>((resolve) => (stuck = resolve));
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    let lookups = 0;
    // Instance A hangs in its first profile lookup, longer than its lease.
    const slow: ProfileSource = {
      byPhone: (phone) => profiles.byPhone(phone),
      byCustomerId: async (id) => {
        if (lookups++ === 0) {
          stuck();
          await blocked;
        }
        return profiles.byCustomerId(id);
      },
    };
    const a = await start({ profiles: slow });
    const b = await start({ profiles, clock: { now: () => new Date(TODAY.getTime() + 60_000) } });

    const first = a.engine.turn(chat('where is my order'));
    await isStuck;
    expect(said(await b.engine.turn(chat('hello')))).not.toBe('');
    unblock();
    expect(said(await first)).toContain('You have 2 open orders. Which one would you like to track?');

    const state = (await b.engine.peek('web-1'))!;
    expect(state.turns).toBe(2);
    expect(state.transcript.filter((t) => t.from === 'customer').map((t) => t.text)).toEqual(['hello', 'where is my order']);
  });
});
