/**
 * Realistic requests the demo contact center does not serve — none of them
 * in the intents or in rules/out_of_scope.yaml — sent to the bot as a signed-in
 * web customer (verified, so a self-service flow would act at once). Most must
 * end as "I don't know" (after a "no" where the bot asked "Did you mean …?");
 * none may start a flow that changes something.
 */
import { join } from 'node:path';
import { Engine } from '../../bot/engine/engine';
import type { ActionContext, BackOffice } from '../../bot/engine/ports';
import { silentLogger } from '../../bot/log';
import { EmbeddedBackOffice } from '../../integrations/backoffice/embedded';
import { FileProfileSource } from '../../integrations/ci/file-profiles';
import { EmbeddedQueue } from '../../integrations/handoff/embedded-queue';
import { MemoryLock, MemoryStore } from '../../integrations/state/memory';
import { TODAY, demoBrain, fixedClock, root, signedIn } from '../support/harness';
import { channelRegistry } from '../../bot/compose';

jest.setTimeout(60_000);

const UNSEEN = [
  'Do you charge extra for roaming when I travel to Mexico?',
  'Will my phone work in Italy next month?',
  'How much does it cost to call India from my mobile?',
  'What are your international calling rates to the Philippines?',
  'Do you sell cases for the Galaxy S24?',
  "I'd like to apply for a job at your company",
  'Are you hiring in the Oakland store?',
  'Is it going to snow in Denver on Friday?',
  'Who is the CEO of Brightwave?',
  'Can you recommend a good podcast app?',
  'Can I donate my old phone to charity through you?',
  'Where can I recycle old batteries?',
  'Do you sponsor any local sports teams?',
];

/** The demo's flows that change something for the customer (content names: fine in a test). */
const SIDE_EFFECT_FLOWS = ['make_payment', 'reset_password', 'update_address', 'upgrade_device'];
const SIDE_EFFECT_ACTIONS = ['payment.send_link', 'password.send_reset', 'address.update', 'upgrade.place'];

async function bot() {
  const profiles = FileProfileSource.loadSync(join(root, 'integrations/demo/customers.yaml'), { today: TODAY });
  const embedded = await EmbeddedBackOffice.load({
    outagesFile: join(root, 'integrations/demo/outages.yaml'),
    storesFile: join(root, 'integrations/demo/stores.yaml'),
    clock: fixedClock,
    profiles,
    timeZone: 'America/Los_Angeles',
  });
  const actions: string[] = [];
  const backOffice: BackOffice = {
    actions: embedded.actions,
    async run(action: string, args: Record<string, unknown>, ctx: ActionContext) {
      actions.push(action);
      return embedded.run(action, args, ctx);
    },
  };
  const store = new MemoryStore({ stateTtlMs: 60 * 60_000 }).states;
  let engine: Engine | null = null;
  const queue = new EmbeddedQueue(() => (engine?.current ?? demoBrain()).content.routing.queues);
  engine = new Engine({ brain: demoBrain(), profiles, backOffice, handoffs: queue, clock: fixedClock, log: silentLogger, store, lock: new MemoryLock(), channels: channelRegistry });
  return { engine, store, actions };
}

it('answers "I don\'t know" to most requests the demo does not serve, and starts no flow that changes anything', async () => {
  const { engine, store, actions } = await bot();
  const notUnderstood = /^Sorry, I didn't get that\./;
  const answers: { text: string; reply: string; flow: string | null }[] = [];
  for (const [i, text] of UNSEEN.entries()) {
    const id = `unseen-${i}`;
    await engine.turn({ conversationId: id, channel: 'chat', identity: signedIn('C1001'), event: 'start' });
    let out = await engine.turn({ conversationId: id, channel: 'chat', identity: signedIn('C1001'), text });
    // "Just to check: do you want to …?" for a request just under the threshold: the customer meant none, and says no.
    if (out.replies.some((r) => r.text.startsWith('Just to check:'))) out = await engine.turn({ conversationId: id, channel: 'chat', identity: signedIn('C1001'), text: 'no' });
    const state = (await store.load(id, fixedClock.now().getTime()))?.state;
    answers.push({ text, reply: out.replies.map((r) => r.text).join(' '), flow: state?.dialog?.intent ?? null });
  }
  const dontKnow = answers.filter((a) => notUnderstood.test(a.reply));
  // On failure, the whole table: what the bot did with each request.
  const table = answers.map((a) => `${notUnderstood.test(a.reply) ? "I don't know" : (a.flow ?? a.reply)}  ←  ${a.text}`).join('\n');
  if (dontKnow.length < 0.75 * UNSEEN.length) throw new Error(`only ${dontKnow.length} of ${UNSEEN.length} ended as "I don't know":\n${table}`);
  expect(answers.filter((a) => a.flow && SIDE_EFFECT_FLOWS.includes(a.flow))).toEqual([]);
  expect(actions.filter((a) => SIDE_EFFECT_ACTIONS.includes(a))).toEqual([]);
});
