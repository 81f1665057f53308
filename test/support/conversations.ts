/**
 * Runs a conversation test (test/conversations/*.yaml; the format is in
 * bot/content/conversation-tests.ts) through the real channel adapters of a
 * running app: Direct Line activities for chat, signed Twilio webhooks for
 * the phone. What is checked is what the customer sees or hears and the
 * handoff as the agent's queue received it.
 */
import { readFileSync } from 'node:fs';
import { conversationTestSchema, type ConversationTest } from '../../bot/content/conversation-tests';
import { parseYaml } from '../../bot/content/yaml-file';
import type { Handoff } from '../../bot/engine/handoff-record';
import type { RunningApp } from './server';
import { chatSession, phoneSession, type Exchange } from './sessions';

export { conversationTestSchema, type ConversationTest };

export function readConversationTest(file: string): ConversationTest {
  return parseYaml(readFileSync(file, 'utf8'), file, conversationTestSchema);
}

/** Everyone waiting in the app's agent queues. */
const waiting = async (app: RunningApp): Promise<Handoff[]> => (await app.app.queue.list()).flatMap((q) => q.waiting);

/** Letters and digits only, lower case: wording compared across written and spoken forms. */
const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

let strangers = 0;

/** Runs one test on one channel of `app`; returns what went wrong (empty = passed). */
export async function runConversationTest(spec: ConversationTest, channel: 'chat' | 'voice', app: RunningApp): Promise<string[]> {
  const failures: string[] = [];
  const profile = spec.customer ? await app.app.demoProfiles?.byCustomerId(spec.customer) : null;
  if (spec.customer && !profile) return [`no demo customer ${spec.customer}`];
  const known = profile && spec.signed_in ? profile : null;
  // A caller nobody knows still has a caller ID: one on no account.
  const session =
    channel === 'chat' ? await chatSession(app, known?.id ?? null) : phoneSession(app, known?.phones[0] ?? `+1555019${String(++strangers).padStart(4, '0')}`);
  await session.start();
  const messages = app.app.engine.current.content.assistant.messages;
  const securityQuestion = [messages.ask_check, messages.ask_check_voice].flatMap((m) => (m ? [words(m)] : []));
  const asksCheck = (e: Exchange) => !e.handedOff && securityQuestion.some((q) => words(e.lines.join(' ')).includes(q));

  for (const [i, s] of spec.steps.entries()) {
    const where = `step ${i + 1} (${s.say ?? `#${s.press}`})`;
    const before = new Set((await waiting(app)).map((h) => h.id));
    const exchanges: Exchange[] = [];
    const send = async (text?: string, digits?: string) => {
      const e = digits !== undefined && channel === 'voice' ? await session.press(digits) : await session.say(text ?? digits ?? '');
      exchanges.push(e);
      return e;
    };
    let last = await send(s.say, s.press);
    // A known customer answers the security question (ZIP code) as they would.
    for (let guard = 0; spec.auto_verify && profile && guard < 2 && asksCheck(last); guard++) last = await send(profile.address.postcode, profile.address.postcode);

    const shown = exchanges.flatMap((e) => e.lines).join('\n');
    const want = [...s.expect, ...(channel === 'chat' ? s.expect_chat : [...s.expect_voice, ...s.heard])];
    for (const text of want)
      if (!shown.includes(text)) failures.push(`${where}: ${channel === 'chat' ? 'expected' : 'expected to hear'} "${text}" in:\n${shown}`);
    for (const text of s.never) if (shown.includes(text)) failures.push(`${where}: "${text}" must not appear`);

    const delivered = exchanges.find((e) => e.handedOff) ?? null;
    const received = (await waiting(app)).filter((h) => !before.has(h.id) && h.conversationId.includes(session.id)).at(-1) ?? null;
    if (s.no_handoff && (delivered || received)) failures.push(`${where}: handed off to ${received?.queue ?? delivered?.queue} (${received?.reason ?? 'no agent queue received it'})`);
    if (!s.handoff) continue;
    const e = s.handoff;
    if (!delivered && !received) {
      failures.push(`${where}: expected a handoff to ${e.queue}, got none`);
      continue;
    }
    const queue = delivered?.queue ?? received?.queue;
    if (queue !== e.queue) failures.push(`${where}: handoff queue ${queue}, expected ${e.queue}`);
    if (!delivered) failures.push(`${where}: the agent queue received a handoff, but the ${channel} never put the customer through`);
    if (!received) {
      failures.push(`${where}: the ${channel} put the customer through to ${delivered?.queue}, but no agent queue received them`);
      continue;
    }
    if (delivered?.queue && delivered.queue !== received.queue) failures.push(`${where}: the ${channel} says ${delivered.queue}, the agent queue has ${received.queue}`);
    if (e.priority !== undefined && received.priority !== e.priority) failures.push(`${where}: handoff priority ${received.priority}, expected ${e.priority}`);
    if (e.intent !== undefined && (received.intent?.name ?? null) !== e.intent) failures.push(`${where}: handoff intent ${received.intent?.name ?? null}, expected ${e.intent}`);
    const sections = received.summary.map((x) => x.section);
    if (e.sections && sections.join(',') !== e.sections.join(',')) failures.push(`${where}: summary sections [${sections}], expected [${e.sections}]`);
    const lines = received.summary.flatMap((x) => x.lines).join('\n');
    for (const l of e.summary_lines) if (!lines.includes(l)) failures.push(`${where}: summary lacks "${l}" in:\n${lines}`);
    const offers = received.nextBestActions.map((a) => a.offer);
    for (const o of e.offers) if (!offers.includes(o)) failures.push(`${where}: next best actions [${offers}] lack ${o}`);
  }
  try {
    session.check();
  } catch (err) {
    failures.push((err as Error).message);
  }
  return failures;
}
