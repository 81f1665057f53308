/**
 * The one conversation-state type. It is versioned and checked with zod when
 * loaded, so a store that returns something stale or corrupt starts the
 * conversation afresh instead of crashing a turn.
 */
import { z } from 'zod';
import { channelNamePattern } from '../domain/channels';
import { canonicalCheck } from './state-check';

export const STATE_VERSION = 1;

const identitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('phone'), value: z.string() }),
  z.object({ kind: z.literal('customerId'), value: z.string(), authenticated: z.boolean() }),
]);

const slotValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type SlotValue = z.infer<typeof slotValue>;

export const transcriptEntrySchema = z.object({
  /** `agent`: a person at the desk wrote it while holding the conversation. */
  from: z.enum(['customer', 'bot', 'agent']),
  /** The agent's display name, for `agent`. */
  name: z.string().optional(),
  text: z.string(),
  at: z.string(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

/** A dialog in progress: where it is, what it has collected, what it is waiting for. */
export const activeDialogSchema = z.object({
  dialog: z.string(),
  intent: z.string(),
  /** Index into the compiled dialog's instructions. */
  pc: z.number().int().nonnegative(),
  /** Answers to `ask` steps, `set` values and action results (`as:`), flat and dotted. */
  values: z.record(slotValue),
  /** The slot the next message answers, and how many tries it has had. */
  waiting: z.object({ slot: z.string(), attempts: z.number().int().nonnegative() }).nullable(),
});
export type ActiveDialog = z.infer<typeof activeDialogSchema>;

/** Verification in progress: the dialog resumes when it succeeds. */
export const verifyingSchema = z.object({
  /** What the next message answers: who the customer is, or the check. */
  asking: z.enum(['who', 'check']),
  /** `identified`: knowing who it is is enough; `verified`: they must also pass the check. */
  goal: z.enum(['identified', 'verified']),
});

export const conversationStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  conversationId: z.string(),
  /** The channel's open name (`chat`, `voice`, `sms` …). */
  channel: z.string().regex(channelNamePattern),
  startedAt: z.string(),
  updatedAt: z.string(),
  identity: identitySchema.nullable(),
  /** The CI profile's customer id once found. */
  customerId: z.string().nullable(),
  /** Whether the lookup ran (found or not), so it runs once per conversation. */
  lookedUp: z.boolean(),
  verified: z.boolean(),
  verifying: verifyingSchema.nullable(),
  /** Failed verification answers in this conversation: changing the subject does not reset them. */
  verifyFailures: z.number().int().nonnegative().default(0),
  /** Messages in a row the bot did not understand. */
  misses: z.number().int().nonnegative(),
  /** Prompts in a row met with silence or speech too unclear to use. */
  silences: z.number().int().nonnegative().default(0),
  /** Turns taken so far: channels use it to tell a retried request from a new one. */
  turns: z.number().int().nonnegative().default(0),
  /** The last intent that was a real topic (not a greeting), for "let me talk to a person". */
  topic: z.string().nullable(),
  /** The top intents offered when the bot asked which one was meant; one: it asked "Did you mean …?". */
  clarifying: z.array(z.string()).nullable(),
  dialog: activeDialogSchema.nullable(),
  /** Requests still to serve, in order: the second of two in one message, or one a dialog handed on. */
  pending: z.array(z.object({ intent: z.string(), values: z.record(slotValue) })).default([]),
  /** Confidence of the intent being served, for the agent. */
  confidence: z.number().nullable(),
  /** What the bot did, in the agent's words ("Checked outages at 94107: none known"). */
  actions: z.array(z.string()),
  /** The customer's own words that mattered (redacted). */
  words: z.array(z.string()),
  transcript: z.array(transcriptEntrySchema),
  /** Set once the conversation has been handed to a person. */
  handedOff: z
    .object({
      queue: z.string(),
      at: z.string(),
      handoffId: z.string(),
      /** The customer said goodbye while waiting and was asked whether to leave the queue: the next message may answer it. */
      askedToLeave: z.literal(true).optional(),
    })
    .nullable(),
  /** How self-service flows ended (`end:` outcomes), for the figures. */
  outcomes: z.array(z.object({ intent: z.string(), outcome: z.string(), at: z.string() })),
  /** Offers the bot made itself (each at most once per conversation), for the figures. */
  offersMade: z.array(z.object({ offer: z.string(), intent: z.string(), at: z.string() })).default([]),
  ended: z.boolean(),
  /** The bot just asked "anything else?": a bare yes or no answers that, not a new request. */
  askedAnythingElse: z.boolean().default(false),
  /** An agent ended the contact and the bot asked the one satisfaction question: the next message may answer it. */
  survey: z
    .object({ contactId: z.string(), askedAt: z.string(), /** Times asked again after an answer that was no score. */ reasked: z.number().int().nonnegative().optional() })
    .nullable()
    .default(null),
});
export type ConversationState = z.infer<typeof conversationStateSchema>;

/**
 * How much of a conversation its state keeps: the latest entries of each
 * list. A turn then costs the same at turn 3,000 as at turn 10; the agent
 * still gets the recent transcript and the customer's words.
 */
export const STATE_BOUNDS = { transcript: 200, words: 20, actions: 50, outcomes: 20, offersMade: 20 } as const;
/** The longest transcript entry kept, in characters. */
export const MAX_ENTRY_CHARS = 1000;

/** Drops the oldest entries past {@link STATE_BOUNDS}, in place. */
export function boundState(state: ConversationState): void {
  for (const key of Object.keys(STATE_BOUNDS) as (keyof typeof STATE_BOUNDS)[]) {
    const list = state[key];
    if (list.length > STATE_BOUNDS[key]) list.splice(0, list.length - STATE_BOUNDS[key]);
  }
}

// Everything but the transcript goes through zod; the transcript, the bulk of
// the state, gets a plain loop (zod would rebuild every entry every turn).
const stateWithoutTranscript = conversationStateSchema.omit({ transcript: true });
const isEntry = (e: unknown): e is TranscriptEntry => {
  const t = e as Partial<TranscriptEntry> | null;
  return typeof t === 'object' && t !== null && (t.from === 'customer' || t.from === 'bot' || t.from === 'agent') && typeof t.text === 'string' && typeof t.at === 'string';
};

/**
 * Whether a stored state (its transcript aside: `parseState` checks it) is exactly what zod's parse of the
 * schema returns, so it can be used as it is; built from the schema once, so no field list is kept twice.
 */
export const isCanonicalState = canonicalCheck(conversationStateSchema, ['transcript']);

/** A stored state, checked: null when it is old or corrupt. */
export function parseState(raw: unknown): ConversationState | null {
  const transcript = (raw as { transcript?: unknown } | null)?.transcript;
  if (!Array.isArray(transcript) || !transcript.every(isEntry)) return null;
  // A state already in the schema's shape (what the engine saves) is used as it is; anything else goes through zod.
  if (isCanonicalState(raw)) return raw as ConversationState;
  const rest = stateWithoutTranscript.safeParse(raw);
  return rest.success ? { ...rest.data, transcript } : null;
}
export type Channel = ConversationState['channel'];
export type Identity = z.infer<typeof identitySchema>;

/** A conversation's state before its first turn. */
export function freshState(conversationId: string, channel: ConversationState['channel'], identity: ConversationState['identity'], at: string): ConversationState {
  return {
    version: STATE_VERSION,
    conversationId,
    channel,
    startedAt: at,
    updatedAt: at,
    identity,
    customerId: null,
    lookedUp: false,
    verified: false,
    verifying: null,
    misses: 0,
    silences: 0,
    verifyFailures: 0,
    turns: 0,
    topic: null,
    clarifying: null,
    dialog: null,
    pending: [],
    confidence: null,
    actions: [],
    words: [],
    transcript: [],
    handedOff: null,
    outcomes: [],
    offersMade: [],
    ended: false,
    askedAnythingElse: false,
    survey: null,
  };
}
