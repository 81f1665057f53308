/**
 * Conversation tests as data (test/conversations/*.yaml): a customer, the
 * channels, what the customer says or presses and what must come back, and
 * the expected handoff. A product owner adds one without writing code.
 */
import { readFileSync } from 'node:fs';
import { conversationTestSchema, type ConversationTest } from '../../bot/content/conversation-tests';
import { parseYaml } from '../../bot/content/yaml-file';
import type { TurnOutput } from '../../bot/engine/turn';
import type { Harness } from './harness';
import type { FileProfileSource } from '../../integrations/ci/file-profiles';

export { conversationTestSchema, type ConversationTest };

export function readConversationTest(file: string): ConversationTest {
  return parseYaml(readFileSync(file, 'utf8'), file, conversationTestSchema);
}

/** Runs one test on one channel; returns what went wrong (empty = passed). */
export async function runConversationTest(
  spec: ConversationTest,
  channel: 'chat' | 'voice',
  h: Harness & { profiles: FileProfileSource },
): Promise<string[]> {
  const failures: string[] = [];
  const profile = spec.customer ? await h.profiles.byCustomerId(spec.customer) : null;
  if (spec.customer && !profile) return [`no demo customer ${spec.customer}`];
  const identity = !profile
    ? null
    : channel === 'chat'
      ? spec.signed_in
        ? { kind: 'customerId' as const, value: profile.id, authenticated: true }
        : null
      : spec.signed_in
        ? { kind: 'phone' as const, value: profile.phones[0]! }
        : null;
  const c = h.conversation({ channel, identity });
  await c.start();
  for (const [i, s] of spec.steps.entries()) {
    const where = `step ${i + 1} (${s.say ?? `#${s.press}`})`;
    const outputs: TurnOutput[] = [];
    const send = async (text?: string, digits?: string) => {
      const out = digits !== undefined && channel === 'voice' ? await c.press(digits) : await c.say(text ?? digits ?? '');
      outputs.push(out);
      return out;
    };
    let out = await send(s.say, s.press);
    // A known customer answers the security question (ZIP code) as they would.
    const asksCheck = async () => !out.handoff && (await h.engine.peek(c.id))?.verifying?.asking === 'check';
    for (let guard = 0; spec.auto_verify && profile && guard < 2 && (await asksCheck()); guard++)
      out = await send(profile.address.postcode, profile.address.postcode);
    const replies = outputs.flatMap((o) => o.replies);
    const written = replies.map((r) => r.text).join('\n');
    const spoken = replies.map((r) => r.speak ?? r.text).join('\n');
    const want = [...s.expect, ...(channel === 'chat' ? s.expect_chat : s.expect_voice)];
    for (const text of want) if (!written.includes(text)) failures.push(`${where}: expected "${text}" in:\n${written}`);
    if (channel === 'voice') for (const text of s.heard) if (!spoken.includes(text)) failures.push(`${where}: expected to hear "${text}" in:\n${spoken}`);
    for (const text of s.never) if (written.includes(text)) failures.push(`${where}: "${text}" must not appear`);
    const handoff = outputs.find((o) => o.handoff)?.handoff?.handoff;
    if (s.no_handoff && handoff) failures.push(`${where}: handed off to ${handoff.queue} (${handoff.reason})`);
    if (s.handoff) {
      if (!handoff) failures.push(`${where}: expected a handoff to ${s.handoff.queue}, got none`);
      else {
        const e = s.handoff;
        if (handoff.queue !== e.queue) failures.push(`${where}: handoff queue ${handoff.queue}, expected ${e.queue}`);
        if (e.priority !== undefined && handoff.priority !== e.priority) failures.push(`${where}: handoff priority ${handoff.priority}, expected ${e.priority}`);
        if (e.intent !== undefined && (handoff.intent?.name ?? null) !== e.intent) failures.push(`${where}: handoff intent ${handoff.intent?.name ?? null}, expected ${e.intent}`);
        const sections = handoff.summary.map((x) => x.section);
        if (e.sections && sections.join(',') !== e.sections.join(',')) failures.push(`${where}: summary sections [${sections}], expected [${e.sections}]`);
        const lines = handoff.summary.flatMap((x) => x.lines).join('\n');
        for (const l of e.summary_lines) if (!lines.includes(l)) failures.push(`${where}: summary lacks "${l}" in:\n${lines}`);
        const offers = handoff.nextBestActions.map((a) => a.offer);
        for (const o of e.offers) if (!offers.includes(o)) failures.push(`${where}: next best actions [${offers}] lack ${o}`);
      }
    }
  }
  return failures;
}
