/**
 * An honest wait: a chat handed to a queue that nobody at the desk serves
 * right now is told so instead of "about 2 minutes". Through the wiring `npm
 * start` uses: the customer over the Direct Line routes, agents signed in at
 * the desk's HTTP API, present while their desk page holds its event stream.
 */
import { deskAgent, deskEvents, signedInDemoAgent, type DeskAgentClient } from '../support/desk-agent';
import { appPerFile } from '../support/server';
import { webCustomer } from '../support/web-customer';

jest.setTimeout(120_000);

const file = appPerFile();

const signedIn = (id: string) => signedInDemoAgent(file.app, id);

/** The agent's desk page open: its event stream, until stopped. */
async function deskOpen(agent: DeskAgentClient): Promise<() => Promise<void>> {
  const controller = new AbortController();
  const res = await fetch(`${file.app.url}/api/desk/events`, { headers: { cookie: agent.cookie }, signal: controller.signal });
  const reader = res.body!.getReader();
  await reader.read(); // "ready": the stream is open
  return async () => {
    controller.abort();
    await reader.read().catch(() => undefined);
    // The server sees the close on its own time; wait until it has let go of the agent.
    for (let i = 0; i < 100 && (await file.app.app.store.records.get('desk-present:' + agentId(agent), file.app.app.clock.now().getTime())) !== null; i++) await new Promise((r) => setTimeout(r, 20));
  };
}
const ids = new WeakMap<DeskAgentClient, string>();
const agentId = (agent: DeskAgentClient) => ids.get(agent)!;

/** Sofia asks to cancel: the retention queue (Leo, Ruth); what the bot said last. */
async function cancels(): Promise<string> {
  const chat = await webCustomer(file.app, 'C1003');
  const shown = await chat.say('I want to cancel my contract');
  return shown.join('\n');
}

it('promises no wait while nobody who serves the queue is at the desk, and the usual wait once someone is', async () => {
  expect(await cancels()).toMatch(/nobody from the team is available right now/);
  expect(await cancels()).not.toMatch(/expected wait/);

  // Dana is at work, but she serves billing only: still nobody for retention.
  const dana = await signedIn('dana');
  ids.set(dana, 'dana');
  const danaLeaves = await deskOpen(dana);
  expect(await cancels()).toMatch(/nobody from the team is available right now/);

  // Leo signs in but has not opened the desk: not there yet.
  const leo = await signedIn('leo');
  ids.set(leo, 'leo');
  expect(await cancels()).toMatch(/nobody from the team is available right now/);

  const leoLeaves = await deskOpen(leo);
  const told = await cancels();
  expect(told).toMatch(/The expected wait is about 2 minutes/);
  expect(told).not.toMatch(/available right now/);

  // Leo closes the desk: nobody again.
  await leoLeaves();
  expect(await cancels()).toMatch(/nobody from the team is available right now/);
  await danaLeaves();
});
