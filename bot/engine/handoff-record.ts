/**
 * The warm handoff: one object with everything the agent needs and nothing
 * the intent does not call for. Every handoff target (embedded queue,
 * TaskRouter, webhook, Bot Framework `handoff.initiate`) carries this object.
 */
import type { Channel, TranscriptEntry } from './state';

export interface HandoffCustomer {
  /** The CI profile id; null for a caller nobody recognised. */
  id: string | null;
  name: string | null;
  segment: string;
  strategy: string;
  intensity: string;
  verified: boolean;
  /**
   * The CI system failed when this customer was looked up: `id` is only what
   * the channel vouched for (a signed-in customer), segment and summary are a
   * stranger's. The agent confirms who it is.
   */
  profileUnavailable?: boolean;
}

/** One block of the agent's summary, e.g. "Recent invoices". */
export interface SummarySectionView {
  section: string;
  title: string;
  lines: string[];
}

export interface NextBestAction {
  offer: string;
  kind: 'sales' | 'retention' | 'service';
  /** What the agent reads. */
  prompt: string;
}

export interface Handoff {
  id: string;
  conversationId: string;
  channel: Channel;
  createdAt: string;
  customer: HandoffCustomer;
  /** Why: the intent understood, or null when the bot understood nothing. */
  intent: { name: string; label: string; confidence: number | null } | null;
  /** The customer's own words (redacted), so nobody asks them again. */
  words: string[];
  /** What the bot already did or tried. */
  botActions: string[];
  summary: SummarySectionView[];
  nextBestActions: NextBestAction[];
  queue: string;
  queueLabel: string;
  priority: number;
  /** Why the bot handed off, in the agent's words. */
  reason: string;
  transcript: TranscriptEntry[];
}

/** The handoff as plain text, the way an agent reads it (terminal, logs for developers, e-mail). */
export function describeHandoff(h: Handoff): string {
  const out: string[] = [];
  const who = h.customer.name
    ? `${h.customer.name} (${h.customer.id}), ${h.customer.segment}, ${h.customer.verified ? 'verified' : 'NOT verified'}`
    : h.customer.profileUnavailable
      ? `Profile unavailable (CI system not answering)${h.customer.id ? `, customer ${h.customer.id}` : ''}, ${h.customer.verified ? 'verified earlier' : 'NOT verified'}`
      : `Unknown customer, ${h.customer.segment}`;
  out.push(`Queue ${h.queueLabel} (${h.queue}), priority ${h.priority}`);
  out.push(`Who: ${who}`);
  out.push(
    `Why: ${h.intent ? `${h.intent.label} (${h.intent.name}${h.intent.confidence !== null ? `, ${Math.round(h.intent.confidence * 100)}%` : ''})` : 'not understood'}. ${h.reason}`,
  );
  if (h.words.length) out.push(`Said: ${h.words.map((w) => `"${w}"`).join(' / ')}`);
  if (h.botActions.length) out.push(`Bot did: ${h.botActions.join('; ')}`);
  for (const s of h.summary) out.push(`${s.title}:`, ...s.lines.map((l) => `  - ${l}`));
  if (h.nextBestActions.length) out.push('Next best actions:', ...h.nextBestActions.map((a) => `  - [${a.kind}] ${a.prompt}`));
  return out.join('\n');
}

/**
 * The handoff as flat attributes a routing engine can match on (TaskRouter
 * workflow expressions such as `queue == "retention" AND priority > 50`),
 * with the agent's card alongside (a Flex screen pop shows it): who, why,
 * what the bot did, the summary, next best actions. No transcript:
 * attributes are small.
 */
export function routingAttributes(h: Handoff): Record<string, unknown> {
  return {
    type: 'frontline_handoff',
    handoff_id: h.id,
    // The desk's key for the same contact (a screen pop opens the card by it, or by the call's sid).
    contact_id: h.id,
    created_at: h.createdAt,
    conversation_id: h.conversationId,
    channel: h.channel,
    queue: h.queue,
    queue_label: h.queueLabel,
    priority: h.priority,
    segment: h.customer.segment,
    strategy: h.customer.strategy,
    intensity: h.customer.intensity,
    verified: h.customer.verified,
    profile_unavailable: h.customer.profileUnavailable === true,
    customer_id: h.customer.id,
    customer_name: h.customer.name,
    intent: h.intent?.name ?? null,
    intent_label: h.intent?.label ?? null,
    confidence: h.intent?.confidence ?? null,
    reason: h.reason,
    customer_words: h.words,
    bot_actions: h.botActions,
    summary: h.summary.map((s) => ({ title: s.title, lines: s.lines })),
    next_best_actions: h.nextBestActions.map((a) => ({ kind: a.kind, offer: a.offer, prompt: a.prompt })),
  };
}
