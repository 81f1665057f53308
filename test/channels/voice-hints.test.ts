/**
 * What the phone's speech recogniser is told to expect (`<Gather hints>`): the
 * intents' own `speech_hints:` and nothing else — never the classifier's
 * examples, which keep typos on purpose ("reprasentative", "halp").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MAX_SPEECH_HINTS } from '../../bot/content/schemas';
import { root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterAll(async () => app.close());

const intents = readdirSync(join(root, 'intents'))
  .sort()
  .map((f) => parse(readFileSync(join(root, 'intents', f), 'utf8')) as { speech_hints?: string[]; examples: string[] });

describe('speech hints on the phone', () => {
  it('are the intents\' speech_hints, every turn, and no example typo', async () => {
    const call = phoneCall({ baseUrl: app.url }, '+15550100001');
    const turns = [await call.answer(), await call.say('what are your store hours')];
    const written = [...new Set(intents.flatMap((i) => i.speech_hints ?? []))];
    expect(written.length).toBeGreaterThan(40);
    for (const turn of turns) {
      const hints = turn.gather?.hints?.split(', ') ?? [];
      expect(hints).toEqual(written);
      expect(hints.length).toBeLessThanOrEqual(MAX_SPEECH_HINTS);
      // Typos the demo's examples keep for the classifier: no recogniser writes them.
      for (const typo of ['reprasentative', 'cancle my account', 'halp', 'stor hours', 'my ballance']) expect(hints).not.toContain(typo);
      expect(hints).toEqual(expect.arrayContaining(['speak to an agent', 'Brightwave store', 'eSIM']));
    }
    // Examples reach the recogniser only where a product owner wrote them as hints too.
    const examples = new Set(intents.flatMap((i) => i.examples.map((e) => e.toLowerCase())));
    const fromExamples = (turns[0]!.gather?.hints ?? '').split(', ').filter((h) => examples.has(h.toLowerCase()));
    expect(fromExamples.length).toBeLessThan(written.length);
  });
});
