/**
 * After a handoff, a message whose waiting contact is gone (the contact log
 * no longer has it, or cannot be reached) is not met with "you're in the
 * queue": the customer, on Direct Line, is told it could not be passed on.
 */
import { startApp, type RunningApp } from '../support/server';
import { chatSession } from '../support/sessions';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

it('tells a waiting customer honestly when a message cannot reach the contact any more', async () => {
  const chat = await chatSession(app, 'C1001');
  await chat.start();
  const handed = await chat.say('I want to talk to a person');
  expect(handed.handedOff).toBe(true);
  const kept = await chat.say('it is about my bill');
  expect(kept.lines.join(' ')).toContain("I've added that to your conversation");

  // The contact has gone from the log (closed, expired, or lost with its instance).
  jest.spyOn(app.app.queue, 'append').mockResolvedValueOnce({ status: 'lost' });
  const lost = await chat.say('hello? are you there?');
  expect(lost.lines.join(' ')).toMatch(/I'm sorry, I couldn't pass that on: your place with the .+ team has ended\. Please start a new chat and ask for a person\./);
  expect(lost.lines.join(' ')).not.toMatch(/added|in the queue/);

  // A contact log that cannot be reached is the same for the customer: never a promise it cannot keep.
  jest.spyOn(app.app.queue, 'append').mockRejectedValueOnce(new Error('store down'));
  const unreachable = await chat.say('still waiting');
  expect(unreachable.lines.join(' ')).toContain("I couldn't pass that on");
});
