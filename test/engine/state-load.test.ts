/**
 * A stored state is read as the schema reads it: the quick check used on
 * states the engine saved itself gives exactly what zod's parse gives, and a
 * state that is old, partial, padded or corrupt is handled as zod handles it
 * (defaults filled in, unknown fields dropped, or discarded).
 */
import { conversationStateSchema, isCanonicalState, parseState, type ConversationState } from '../../bot/engine/state';
import { demoHarness, signedIn, type Harness } from '../support/harness';

/** What loading a state gave before the quick check: zod on all but the transcript, a plain check of the transcript. */
function asZodReadsIt(raw: unknown): ConversationState | null {
  const transcript = (raw as { transcript?: unknown } | null)?.transcript;
  const entryOk = (e: unknown) => {
    const t = e as { from?: unknown; text?: unknown; at?: unknown } | null;
    return typeof t === 'object' && t !== null && ['customer', 'bot', 'agent'].includes(t.from as string) && typeof t.text === 'string' && typeof t.at === 'string';
  };
  if (!Array.isArray(transcript) || !transcript.every(entryOk)) return null;
  const rest = conversationStateSchema.omit({ transcript: true }).safeParse(raw);
  return rest.success ? ({ ...rest.data, transcript } as ConversationState) : null;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

let h: Harness;
const stored: Record<string, unknown>[] = [];
beforeAll(async () => {
  h = await demoHarness();
  const keep = async (id: string) => stored.push(clone(await h.engine.peek(id)) as unknown as Record<string, unknown>);
  // A greeting; a dialog waiting for an answer; verification under way; a handoff; a call.
  const a = h.conversation({});
  await a.start();
  await keep(a.id);
  const b = h.conversation({ identity: signedIn('C1006') });
  await b.start();
  await b.say('I moved house and need to change my address');
  await keep(b.id);
  const c = h.conversation({});
  await c.say('what is my balance');
  await keep(c.id);
  await c.say('agent');
  await keep(c.id);
  const d = h.conversation({ channel: 'voice', identity: { kind: 'phone', value: '+15550100001' } });
  await d.start();
  await d.say('what are your opening hours');
  await keep(d.id);
});

/** Ways a stored state can differ from what the engine writes. */
function variants(raw: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  const edit = (name: string, change: (s: Record<string, unknown>) => void) => {
    const s = clone(raw) as Record<string, unknown>;
    change(s);
    out.push([name, s]);
  };
  for (const key of Object.keys(raw)) {
    if (key === 'transcript') continue;
    edit(`${key} missing`, (s) => delete s[key]);
    for (const bad of ['x', 7, -1, 1.5, true, null, [], {}]) edit(`${key} = ${JSON.stringify(bad)}`, (s) => (s[key] = bad));
  }
  edit('an unknown field', (s) => (s.extra = 1));
  edit('version 2', (s) => (s.version = 2));
  edit('a channel name out of pattern', (s) => (s.channel = 'Web Chat'));
  edit('identity with a field too many', (s) => (s.identity = { kind: 'phone', value: '+1555', authenticated: true }));
  edit('identity of an unknown kind', (s) => (s.identity = { kind: 'email', value: 'x' }));
  edit('a signed-in identity', (s) => (s.identity = { kind: 'customerId', value: 'C1', authenticated: false }));
  edit('verifying an unknown step', (s) => (s.verifying = { asking: 'pin', goal: 'verified' }));
  const dialog = { dialog: 'd', intent: 'i', pc: 2, values: { zip: '94107', n: 3, ok: true, none: null }, waiting: { slot: 'zip', attempts: 1 } };
  edit('a dialog', (s) => (s.dialog = clone(dialog)));
  edit('a dialog with a field too many', (s) => (s.dialog = { ...clone(dialog), extra: 1 }));
  edit('a dialog at a negative step', (s) => (s.dialog = { ...clone(dialog), pc: -1 }));
  edit('a dialog value that is a list', (s) => (s.dialog = { ...clone(dialog), values: { zip: ['94107'] } }));
  edit('a dialog value named __proto__', (s) => (s.dialog = { ...clone(dialog), values: JSON.parse('{"__proto__":"x","zip":"1"}') }));
  edit('a waiting slot with a field too many', (s) => (s.dialog = { ...clone(dialog), waiting: { slot: 'zip', attempts: 1, at: 'x' } }));
  edit('a pending request', (s) => (s.pending = [{ intent: 'i', values: { a: 1 } }]));
  edit('a pending request with a field too many', (s) => (s.pending = [{ intent: 'i', values: {}, x: 1 }]));
  edit('a handoff', (s) => (s.handedOff = { queue: 'q', at: 'now', handoffId: 'h1' }));
  edit('a handoff with a field too many', (s) => (s.handedOff = { queue: 'q', at: 'now', handoffId: 'h1', agent: 'dana' }));
  edit('a handoff asked whether to leave the queue', (s) => (s.handedOff = { queue: 'q', at: 'now', handoffId: 'h1', askedToLeave: true }));
  edit('a handoff asked to leave = false', (s) => (s.handedOff = { queue: 'q', at: 'now', handoffId: 'h1', askedToLeave: false }));
  edit('a handoff without its id', (s) => (s.handedOff = { queue: 'q', at: 'now' }));
  edit('an outcome with a field too many', (s) => (s.outcomes = [{ intent: 'i', outcome: 'o', at: 'a', x: 1 }]));
  edit('an offer made', (s) => (s.offersMade = [{ offer: 'o', intent: 'i', at: 'a' }]));
  edit('clarifying between two', (s) => (s.clarifying = ['a', 'b']));
  edit('clarifying a number', (s) => (s.clarifying = [1]));
  edit('a survey', (s) => (s.survey = { contactId: 'h1', askedAt: 'now' }));
  edit('a survey asked again', (s) => (s.survey = { contactId: 'h1', askedAt: 'now', reasked: 1 }));
  edit('a survey asked again half a time', (s) => (s.survey = { contactId: 'h1', askedAt: 'now', reasked: 0.5 }));
  edit('a survey with a field too many', (s) => (s.survey = { contactId: 'h1', askedAt: 'now', score: 5 }));
  edit('a transcript entry of nobody', (s) => (s.transcript = [{ from: 'someone', text: 'x', at: 'a' }]));
  edit('an agent line with its name', (s) => (s.transcript = [{ from: 'agent', name: 'Dana', text: 'x', at: 'a' }]));
  edit('confidence out of a number', (s) => (s.confidence = 'high'));
  return out;
}

describe('loading a stored state', () => {
  it('takes a state the engine saved as it is, equal to what zod reads', () => {
    expect(stored.length).toBe(5);
    for (const raw of stored) {
      expect(isCanonicalState(raw)).toBe(true);
      expect(parseState(clone(raw))).toEqual(asZodReadsIt(clone(raw)));
    }
  });

  it('knows every part of the schema: none would send every saved state through zod', () => {
    expect(isCanonicalState.unsupported).toEqual([]);
  });

  it('reads a changed, old, padded or corrupt state exactly as zod does', () => {
    let checked = 0;
    for (const raw of stored)
      for (const [name, value] of variants(raw)) {
        const expected = asZodReadsIt(clone(value));
        expect({ name, state: parseState(clone(value)) }).toEqual({ name, state: expected });
        checked++;
      }
    expect(checked).toBeGreaterThan(1000);
  });
});
