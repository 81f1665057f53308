/**
 * A fault report checks for a known outage first (domain.md: the tech-support
 * card carries the outage check): what the agent's card says the bot did,
 * through Direct Line into the app `npm start` composes.
 */
import type { Handoff } from '../../bot/engine/handoff-record';
import { startApp, type RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

async function cardOf(conversationId: string): Promise<Handoff | undefined> {
  return (await app.app.queue.list()).flatMap((q) => q.waiting).find((h) => h.conversationId === conversationId);
}

describe('a fault report checks for an outage first', () => {
  it('no outage where the customer lives: technical support, and the card says what was checked', async () => {
    const chat = await webCustomer(app, 'C1007');
    const said = await chat.say('my wifi keeps dropping');
    expect(said.join('\n')).toContain("I can't see a known outage in your area");
    const card = await cardOf(chat.conversationId);
    expect(card?.queue).toBe('tech_support');
    expect(card?.botActions.join('\n')).toMatch(/Checked for outages at \d{5}: none known/);
  });

  it('an outage where the customer lives explains it: no queue', async () => {
    const chat = await webCustomer(app, 'C1001');
    const said = await chat.say('my wifi keeps dropping');
    expect(said.join('\n')).toContain("There's a known broadband outage in your area that may explain it");
    expect(await cardOf(chat.conversationId)).toBeUndefined();
  });
});
