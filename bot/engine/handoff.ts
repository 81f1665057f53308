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
