/**
 * The schemas of every content file a product owner or CI analyst edits.
 * `bot/content/load.ts` validates each file against these at start-up and
 * names file, line and field for anything wrong.
 */
import { z } from 'zod';
import { closest, keysAt, unknownFieldMessage } from './yaml-file';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ only, starting with a letter (e.g. check_balance)');
const actionName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'a dotted action name, e.g. orders.track');

/**
 * A condition: every key must hold. Keys are fact names (dotted for nested
 * values); values are an exact match (`gold`, `true`, `3`), a list of
 * acceptable values, or a comparison string: `">= 70"`, `"< 0.3"`,
 * `"!= tech_support"`, `"has broadband"`, `"lacks broadband"`, `"set"`, `"unset"`.
 */
export const conditionSchema = z.record(
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean()]))]),
);
export type Condition = z.infer<typeof conditionSchema>;

/** The sections an agent's summary may show, drawn from the CI profile and the conversation. */
export const summarySections = [
  'products',
  'devices',
  'balance',
  'last_payment',
  'invoices',
  'orders',
  'contacts',
  'tickets',
  'tenure',
  'value',
  'churn_risk',
  'contract',
  'entitlements',
  'campaigns',
  'retention_offers',
  'usage',
] as const;
export type SummarySection = (typeof summarySections)[number];

export const summarySchema = z
  .object({
    /** Profile sections to show, in this order. Who, why and what the bot did are always shown. */
    show: z.array(z.enum(summarySections)).default([]),
    /** Contacts of the last N days only. */
    contacts_days: z.number().int().positive().optional(),
    /** Contacts about these topics only (any topic when absent). */
    contacts_topics: z.array(z.string()).optional(),
    /** How many invoices to list. */
    invoices: z.number().int().positive().default(3),
  })
  .strict();
export type SummarySpec = z.infer<typeof summarySchema>;

/** Examples an intent needs at least (the README asks for as many). */
export const MIN_EXAMPLES = 25;

/**
 * Speech hints of all intents together at most. Twilio takes 500 (each at most 100 characters), but a
 * recogniser weighs a short list of likely phrases better, and the list goes out with every phone turn.
 */
export const MAX_SPEECH_HINTS = 100;

/** A phrase as a recogniser writes it: words separated by single spaces, no punctuation (TwiML separates hints with commas). */
const speechHint = z
  .string()
  .max(100, 'a speech hint is at most 100 characters')
  .regex(/^[\p{L}\p{N}']+( [\p{L}\p{N}']+)*$/u, 'words separated by single spaces: letters, digits and apostrophes only, no commas');

export const intentSchema = z
  .object({
    intent: name,
    /** How the bot names this request to a customer ("check your balance"). */
    label: z.string().min(1),
    /** How the agent reads it ("The customer asked to change their plan"); default: `label`. */
    agent_label: z.string().min(1).optional(),
    description: z.string().optional(),
    examples: z
      .array(z.string().min(1))
      .min(MIN_EXAMPLES, `write at least ${MIN_EXAMPLES} varied examples, so the bot learns the ways customers say it`),
    /**
     * Phrases a caller is likely to say for it, spelt as a speech recogniser writes them (never a typo):
     * the phone channel passes every intent's hints to the recogniser. None by default; examples are not
     * used, as they keep typos on purpose for the classifier.
     */
    speech_hints: z.array(speechHint).default([]),
    /** The self-service flow that serves it. */
    dialog: name.optional(),
    /** Hand straight to a person. */
    handoff: z.boolean().default(false),
    /** The intent's own queue: where its handoffs go unless a routing rule says otherwise. */
    queue: name.optional(),
    /** Prefer the queue of the conversation's earlier topic, when there is one (e.g. "talk to a person"). */
    queue_from_topic: z.boolean().default(false),
    /** What the customer hears when the bot hands straight off. */
    say: z.string().optional(),
    /** What the agent's summary shows for this intent. */
    summary: summarySchema.default({}),
    /** Conversation intents (greeting, thanks) don't count as a topic. */
    topic: z.boolean().default(true),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.dialog && !v.handoff)
      ctx.addIssue({ code: 'custom', path: ['dialog'], message: 'give a dialog, or handoff: true' });
    if (v.dialog && v.handoff)
      ctx.addIssue({ code: 'custom', path: ['handoff'], message: 'give a dialog or handoff: true, not both' });
    if (v.handoff && !v.queue)
      ctx.addIssue({ code: 'custom', path: ['queue'], message: 'a handoff intent needs its queue' });
  });
export type Intent = z.infer<typeof intentSchema>;

/** An intent as the agent reads it: `agent_label`, else the customer's `label`. */
export function agentLabel(intent: Intent): string {
  return intent.agent_label ?? intent.label;
}

/** The intent named `name` as the agent reads it; the name itself when the content has none by that name. */
export function agentLabelOf(intents: ReadonlyMap<string, Intent>, name: string): string {
  const intent = intents.get(name);
  return intent ? agentLabel(intent) : name;
}

export type ProfileList = 'orders' | 'products' | 'devices' | 'campaigns' | 'invoices' | 'tickets';

/** `street` needs a house number or a street word; `city` is a place name (letters, a few words). */
export const slotTypes = ['text', 'street', 'city', 'number', 'yesno', 'choice', 'date', 'order_number', 'postcode', 'amount'] as const;
export type SlotType = (typeof slotTypes)[number];

const choiceSchema = z
  .object({
    value: z.string(),
    label: z.string(),
    /** Other words a customer may use for it. */
    synonyms: z.array(z.string()).default([]),
  })
  .strict();
export type ChoiceSpec = z.infer<typeof choiceSchema>;

const linkSchema = z.object({ url: z.string(), label: z.string() }).strict();

export type Step =
  | { say: string; speak?: string; link?: { url: string; label: string } }
  | {
      ask: string;
      type: SlotType;
      prompt: string;
      speak?: string;
      reprompt?: string;
      pattern?: string;
      choices?: ChoiceSpec[];
      choices_from?: { list: ProfileList; where?: Condition; value: string; label: string };
      max_attempts: number;
    }
  | { call: string; args: Record<string, string>; as?: string; confirm?: Confirm }
  | { if: Condition; then: Step[]; else: Step[] }
  | { set: Record<string, string> }
  | { note: string }
  | { verify: true }
  | { handoff: { reason: string; intent?: string; say?: string } }
  | { serve: string; with: Record<string, string | number | boolean> }
  | { end: string; say?: string; close?: boolean };

/**
 * Consent before an action with a side effect: the customer is asked
 * `prompt` (a yes/no question) unless the words that started the dialog
 * already asked for exactly this (`unless_said`). The answer is the slot
 * `as`; a "no" says `declined` and ends the dialog with outcome `declined`.
 */
export interface Confirm {
  prompt: string;
  speak?: string;
  unless_said: string[];
  as: string;
  declined?: string;
}

const confirmSchema = z
  .object({
    prompt: z.string(),
    speak: z.string().optional(),
    /** Phrases that count as asking for exactly this action ("reset my password"): no question then. */
    unless_said: z.array(z.string().min(1)).default([]),
    /** The yes/no slot that holds the answer; a `serve` step may pass it as already agreed. */
    as: name.default('confirmed'),
    /** What the bot says when the customer says no (default: the `confirm_declined` message). */
    declined: z.string().optional(),
  })
  .strict();

/** Why `pattern` is no regular expression (as an ask step's `pattern` compiles it), or null. */
function regexError(pattern: string): string | null {
  try {
    new RegExp(pattern, 'iu');
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

const stepKinds = {
  say: z.object({ say: z.string(), speak: z.string().optional(), link: linkSchema.optional() }).strict(),
  ask: z
    .object({
      ask: name,
      type: z.enum(slotTypes),
      prompt: z.string(),
      speak: z.string().optional(),
      reprompt: z.string().optional(),
      /** A regular expression (case-insensitive, Unicode: `\p{L}` is any letter) the answer must also match, after its type's check. */
      pattern: z
        .string()
        .min(1)
        .refine((p) => regexError(p) === null, (p) => ({ message: `not a regular expression: ${regexError(p)}` }))
        .optional(),
      choices: z.array(choiceSchema).optional(),
      choices_from: z
        .object({
          /** A list of the customer's profile: orders, products, devices, campaigns, invoices, tickets. */
          list: z.enum(['orders', 'products', 'devices', 'campaigns', 'invoices', 'tickets']),
          /** Only the items for which this holds, e.g. `{ open: true }`. */
          where: conditionSchema.optional(),
          /** The item field that becomes the slot's value. */
          value: z.string(),
          /** How each item is shown: a template over its fields, e.g. "{item} ({id})". */
          label: z.string(),
        })
        .strict()
        .optional(),
      max_attempts: z.number().int().min(1).max(5).default(3),
    })
    .strict(),
  call: z
    .object({ call: actionName, args: z.record(z.string()).default({}), as: name.optional(), confirm: confirmSchema.optional() })
    .strict(),
  if: z.object({
    if: conditionSchema,
    then: z.array(z.lazy(() => stepSchema)),
    else: z.array(z.lazy(() => stepSchema)).default([]),
  }).strict(),
  set: z.object({ set: z.record(z.string()) }).strict(),
  note: z.object({ note: z.string() }).strict(),
  verify: z.object({ verify: z.literal(true) }).strict(),
  handoff: z
    .object({
      handoff: z.object({ reason: z.string(), intent: name.optional(), say: z.string().optional() }).strict(),
    })
    .strict(),
  /** Serve another intent once this dialog ends ("yes, I'll pay it now"), with values it already has. */
  serve: z.object({ serve: name, with: z.record(z.union([z.string(), z.number(), z.boolean()])).default({}) }).strict(),
  end: z.object({ end: name, say: z.string().optional(), close: z.boolean().optional() }).strict(),
};
/**
 * A step schema that recognises a step by its first key (`say:`, `ask:` …)
 * and validates it against that kind only, so an error names the field that
 * is wrong rather than "no union member matched". `last` is tried last: a
 * key other kinds may carry too (`end` steps carry a `say`).
 */
export function stepByFirstKey<T>(kinds: Record<string, z.ZodTypeAny>, last: string): z.ZodType<T, z.ZodTypeDef, unknown> {
  const names = [...Object.keys(kinds).filter((k) => k !== last), last];
  return z.unknown().transform((raw, ctx): T => {
    const kind = raw && typeof raw === 'object' && !Array.isArray(raw) ? names.find((k) => Object.prototype.hasOwnProperty.call(raw, k)) : undefined;
    if (!kind) {
      const first = raw && typeof raw === 'object' ? Object.keys(raw)[0] : undefined;
      const meant = first ? closest(first, names) : null;
      ctx.addIssue({ code: 'custom', message: `a step starts with one of: ${names.join(', ')}${meant ? ` (did you mean ${meant}?)` : ''}` });
      return z.NEVER;
    }
    const schema = kinds[kind]!;
    const result = schema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        if (issue.code !== 'unrecognized_keys') ctx.addIssue(issue as z.IssueData);
        // Named here, where the step's kind is known: the file reader cannot see through this transform.
        else
          for (const key of issue.keys)
            ctx.addIssue({ code: 'custom', path: [...issue.path, key], message: unknownFieldMessage(key, keysAt(schema, issue.path)), params: { unknownField: true } });
      }
      return z.NEVER;
    }
    return result.data as T;
  });
}

export const stepSchema: z.ZodType<Step, z.ZodTypeDef, unknown> = stepByFirstKey<Step>(stepKinds, 'say');

export const dialogSchema = z
  .object({
    dialog: name,
    description: z.string().optional(),
    /** none: anyone; identified: a known customer; verified: a customer who proved who they are. */
    needs: z.enum(['none', 'identified', 'verified']).default('none'),
    steps: z.array(stepSchema).min(1),
  })
  .strict();
export type Dialog = z.infer<typeof dialogSchema>;

export const segmentsSchema = z
  .object({
    /** First match wins; a segment with no `when` catches everyone left. */
    segments: z
      .array(
        z
          .object({
            segment: name,
            when: conditionSchema.optional(),
            strategy: z.string(),
            intensity: z.string(),
            description: z.string().optional(),
          })
          .strict(),
      )
      .min(1),
    /** The segment of a caller nobody recognises. */
    unknown: name,
  })
  .strict();
export type SegmentRules = z.infer<typeof segmentsSchema>;

export const routingSchema = z
  .object({
    queues: z.record(
      name,
      z.object({ label: z.string(), expected_wait_minutes: z.number().nonnegative().optional() }).strict(),
    ),
    priority: z
      .object({
        by_segment: z.record(name, z.number().int()),
        boosts: z.array(z.object({ when: conditionSchema, add: z.number().int() }).strict()).default([]),
      })
      .strict(),
    /** First match wins. */
    rules: z
      .array(
        z
          .object({
            when: conditionSchema.default({}),
            queue: name.optional(),
            /** Use the intent's own queue. */
            intent_queue: z.boolean().optional(),
            /** `segment` (default): the segment's priority; `value`: the customer's value score. */
            priority: z.enum(['segment', 'value']).default('segment'),
          })
          .strict()
          .refine((r) => Boolean(r.queue) !== Boolean(r.intent_queue), {
            message: 'give either queue: NAME or intent_queue: true',
          }),
      )
      .min(1),
  })
  .strict();
export type RoutingRules = z.infer<typeof routingSchema>;

/**
 * How a conversation came to an offer: `self_service` is the bot's own line at
 * the end of a flow; the others are why the contact was handed to a person —
 * `request` (the customer asked for what the intent does), `escape` (asked for
 * a person, or pressed the escape key), `no_input` (silence or unclear speech),
 * `not_understood`, `verification_failed`, `error` (something broke).
 */
export const offerContexts = ['self_service', 'request', 'escape', 'no_input', 'not_understood', 'verification_failed', 'error'] as const;
export type OfferContext = (typeof offerContexts)[number];

/** Where an offer may appear; everywhere else it is never shown. */
export const offerPlacementSchema = z
  .object({
    /** The intents it may appear on: the intent handed off, or the self-service flow just finished. */
    intents: z.array(name).min(1),
    /** How the conversation got there (see offerContexts). */
    contexts: z.array(z.enum(offerContexts)).min(1),
    /** Never in a conversation where a flow ended with one of these outcomes (`end:` names), e.g. an outage notice. */
    not_after: z.array(name).default([]),
  })
  .strict();
export type OfferPlacement = z.infer<typeof offerPlacementSchema>;

export const offersSchema = z
  .object({
    /** No sales offers on these intents, whatever an offer's `where` says: the customer's problem comes first. */
    no_sales_on: z.array(name).default([]),
    offers: z.array(
      z
        .object({
          offer: name,
          kind: z.enum(['sales', 'retention', 'service']),
          when: conditionSchema,
          /** Where it may appear: intents, contexts, and outcomes it never follows. */
          where: offerPlacementSchema,
          /** The prompt the agent reads. */
          agent: z.string(),
          /** What the bot may say itself at the end of a self-service flow. */
          bot: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type OfferRules = z.infer<typeof offersSchema>;

/** Examples of what the bot does not handle: learnt as "none of the intents". */
export const outOfScopeSchema = z.object({ examples: z.array(z.string().min(1)).default([]) }).strict();

/** How an agent may end a contact at the desk: a code for the figures and the label the agent picks. */
export const dispositionsSchema = z
  .object({
    dispositions: z.array(z.object({ code: name, label: z.string().min(1) }).strict()).min(1),
  })
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.dispositions.forEach((d, i) => {
      if (seen.has(d.code)) ctx.addIssue({ code: 'custom', path: ['dispositions', i, 'code'], message: `"${d.code}" is listed twice` });
      seen.add(d.code);
    });
  });
export type Disposition = z.infer<typeof dispositionsSchema>['dispositions'][number];

/** The label the classifier gives to out-of-scope messages. No intent may use it. */
export const OUT_OF_SCOPE = 'out_of_scope';

export const assistantSchema = z
  .object({
    name: z.string(),
    language: z.string().default('en-US'),
    /** IANA time zone for times the bot says ("until 6pm"). */
    timezone: z.string().default('UTC'),
    currency: z.string().length(3).default('USD'),
    understanding: z
      .object({
        /**
         * Below this confidence a message is out of scope. Leave it out to use the
         * threshold the model chooses on held-out folds of the intents (bot/nlu/calibrate.ts);
         * set it only to override that choice.
         */
        threshold: z.number().min(0).max(1).optional(),
        /**
         * A best intent under the threshold but at or above this is confirmed ("Did you mean …?")
         * before it is served or given up on. Default: 0.6 × the threshold in force.
         */
        confirm_above: z.number().min(0).max(1).optional(),
        /** When the top two intents are closer than this, ask which one. */
        ambiguity_margin: z.number().min(0).max(1),
        /** Misunderstood messages in a row before a person takes over. */
        misses_before_handoff: z.number().int().min(1),
        /** Speech recognised with less confidence than this is asked again (phone). */
        min_speech_confidence: z.number().min(0).max(1).default(0.3),
        /** Silences or unclear answers in a row before a person takes over (phone). */
        silences_before_handoff: z.number().int().min(1).default(2),
      })
      .strict(),
    escape: z
      .object({
        /** Words that always reach a person. */
        words: z.array(z.string()).min(1),
        /** A keypad key that always reaches a person. */
        dtmf: z.string().regex(/^[0-9*#]$/),
        /** The intent that handles it. */
        intent: name,
        /**
         * Words after which a request for a person names its topic ("a person about my bill"):
         * the rest, understood as a request, routes the handoff as that request would.
         */
        topic_after: z.array(z.string().min(1)).default([]),
      })
      .strict(),
    /**
     * A change of mind inside a question sequence: these words drop the flow
     * (noted for the agent); what follows them is understood as a new request
     * ("actually, forget that — where's my order?").
     */
    leave: z
      .object({
        words: z.array(z.string().min(1)).default([]),
        /** Words that may come first: "actually", "no", "sorry". */
        lead_ins: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({}),
    /**
     * While the customer waits for a person: a short message that ends (or starts) with one of
     * `goodbye_words` ("thanks, bye") is not added to the contact; the bot asks whether they want
     * to leave the queue (`wait_leave_question`), and a yes withdraws the request. While a question
     * waits, such a message leaves the flow and ends the conversation (`goodbye`), never an answer.
     */
    waiting: z
      .object({ goodbye_words: z.array(z.string().min(1)).default([]) })
      .strict()
      .default({}),
    /** "I don't know", "not sure": an answer the customer does not have, offered a way out (never a failed verification). */
    dont_know: z
      .object({ words: z.array(z.string().min(1)).default([]) })
      .strict()
      .default({}),
    fallback: z.object({ queue: name, summary: summarySchema.default({}) }).strict(),
    /** The one satisfaction question after an agent ends a contact. */
    survey: z
      .object({
        /** Words that give a score besides the digits 1–5 ("five"); the word for 5 also reads "4 out of five". */
        score_words: z.record(z.string().regex(/^[a-z]+$/, 'one lower-case word'), z.number().int().min(1).max(5)).default({}),
        /** Answers that are no score asked again before the question lapses (nothing recorded). */
        retries: z.number().int().min(0).default(1),
      })
      .strict()
      .default({}),
    verification: z
      .object({
        max_attempts: z.number().int().min(1),
        /** The web site's signed-in users count as verified. */
        trust_signed_in: z.boolean().default(true),
        queue: name,
      })
      .strict(),
    /**
     * What a good answer to a question of each slot type looks like ("the 5 digits of the ZIP code"):
     * the second answer a question cannot use hears it (`reprompt_help`); a type without one hears `reprompt` again.
     */
    answer_help: z.record(z.enum(slotTypes), z.string().min(1)).default({}),
    /** Regular expressions for the entities a customer may mention. */
    entities: z.object({ order_number: z.string(), postcode: z.string() }).strict(),
    messages: z.record(name, z.string()),
  })
  .strict();
export type AssistantSettings = z.infer<typeof assistantSchema>;
