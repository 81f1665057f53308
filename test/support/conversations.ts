/**
 * Conversation tests as data (test/conversations/*.yaml): a customer, the
 * channels, what the customer says or presses and what must come back, and
 * the expected handoff. A product owner adds one without writing code.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseYaml } from '../../bot/content/yaml-file';
import type { TurnOutput } from '../../bot/engine/turn';
import type { Harness } from './harness';
import type { FileProfileSource } from '../../integrations/ci/file-profiles';

const texts = z.array(z.string()).default([]);
const step = z
  .object({
    /** What the customer types (chat) or says (phone). */
    say: z.string().optional(),
    /** Keys pressed on the phone; typed on chat. */
    press: z.string().optional(),
    /** Text every channel must show (part of a reply). */
    expect: texts,
    expect_chat: texts,
    expect_voice: texts,
    /** Spoken wording a caller must hear (phone only). */
    heard: texts,
    /** Text that must not appear in the replies. */
    never: texts,
    /** The expected handoff on this step. */
    handoff: z
      .object({
        queue: z.string(),
        priority: z.number().int().optional(),
        intent: z.string().nullable().optional(),
        /** Summary sections, in order. */
        sections: z.array(z.string()).optional(),
        /** Lines the summary must contain (anywhere). */
        summary_lines: texts,
        /** Next best actions that must be offered. */
        offers: texts,
      })
      .strict()
      .optional(),
    /** No handoff may happen on this step. */
    no_handoff: z.boolean().default(false),
  })
  .strict()
  .refine((s) => s.say !== undefined || s.press !== undefined, { message: 'a step needs say or press' });

export const conversationTestSchema = z
  .object({
    name: z.string(),
    /** A demo customer's id; none = a stranger. */
    customer: z.string().optional(),
    /** Chat: the web site signed the customer in (verified). Phone: the caller ID is the customer's number. */
    signed_in: z.boolean().default(true),
    channels: z.array(z.enum(['chat', 'voice'])).min(1).default(['chat', 'voice']),
    /** Answer the security question with the customer's ZIP code whenever the bot asks it. */
    auto_verify: z.boolean().default(true),
    steps: z.array(step).min(1),
  })
  .strict();
export type ConversationTest = z.infer<typeof conversationTestSchema>;

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
