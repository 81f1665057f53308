/**
 * Conversation tests as data (test/conversations/*.yaml): a customer, the
 * channels, what the customer says or presses and what must come back, and
 * the expected handoff. A product owner adds one without writing code; the
 * test suite runs each through the real channel adapters. The content check
 * warns about intents no conversation test exercises.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { plainWords } from '../domain/text';
import { contentLayout, problemOf, type Problem } from './files';
import type { Intent } from './schemas';
import { ContentError, errorAt, locate, readYaml } from './yaml-file';

const texts = z.array(z.string()).default([]);
const step = z
  .object({
    /** What the customer types (chat) or says (phone). */
    say: z.string().optional(),
    /** Keys pressed on the phone (sent as Twilio's Digits); typed on chat. */
    press: z.string().optional(),
    /** Text every channel must give: shown in chat, heard on the phone. */
    expect: texts,
    /** Text the chat must show. */
    expect_chat: texts,
    /** Wording a caller must hear (what the phone's <Say> reads out). */
    expect_voice: texts,
    /** Wording a caller must hear (phone only); the same as expect_voice. */
    heard: texts,
    /** Text that must not appear in what the customer sees or hears. */
    never: texts,
    /** The expected handoff on this step, as the agent's queue receives it. */
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
    /**
     * The intents this test exercises, for `npm run validate`'s warning about
     * untested intents. Not needed when the file is named after the intent,
     * a step says one of its examples, or an expected handoff names it.
     */
    intents: z.array(z.string()).default([]),
    steps: z.array(step).min(1),
  })
  .strict();
export type ConversationTest = z.infer<typeof conversationTestSchema>;

/**
 * Warnings for intents that no conversation test exercises, and for
 * conversation tests that do not read. An intent counts as exercised by a test
 * named after it (`track_order.yaml`, `track_order_voice.yaml`), that lists it
 * under `intents:`, says one of its examples, or expects a handoff naming it.
 */
export function untestedIntents(dir: string, intents: ReadonlyMap<string, { file: string; item: Intent }>): Problem[] {
  const folder = contentLayout.conversationTests;
  let names: string[];
  try {
    names = readdirSync(join(dir, folder)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return [{ file: folder, line: null, field: null, message: 'no conversation tests: no intent is tested end to end' }];
  }
  const warnings: Problem[] = [];
  const exercised = new Set<string>();
  const examples = new Map<string, string>();
  for (const [name, { item }] of intents) for (const e of item.examples) examples.set(plainWords(e), name);
  for (const name of names) {
    const file = `${folder}/${name}`;
    let spec: ConversationTest;
    try {
      spec = readYaml(join(dir, file), conversationTestSchema, dir);
    } catch (err) {
      if (!(err instanceof ContentError)) throw err;
      warnings.push(problemOf(err));
      continue;
    }
    const base = name.replace(/\.ya?ml$/, '');
    for (const intent of intents.keys()) if (base === intent || base.startsWith(`${intent}_`)) exercised.add(intent);
    spec.intents.forEach((intent, i) => {
      if (intents.has(intent)) exercised.add(intent);
      else warnings.push(problemOf(errorAt(join(dir, file), ['intents', i], `no intent "${intent}"`, dir)));
    });
    for (const s of spec.steps) {
      const said = s.say === undefined ? undefined : examples.get(plainWords(s.say));
      if (said) exercised.add(said);
      if (s.handoff?.intent) exercised.add(s.handoff.intent);
    }
  }
  for (const [intent, { file }] of intents)
    if (!exercised.has(intent))
      warnings.push({
        file,
        line: locate(join(dir, file), ['intent']) ?? 1,
        field: 'intent',
        message: `no conversation test exercises it; add ${folder}/${intent}.yaml`,
      });
  return warnings;
}
