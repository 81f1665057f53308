/**
 * The understand stage: which intent a message means, with an honest
 * "I don't know" below the threshold, a "Did you mean …?" just under it,
 * and a clarifying question when the best two are too close to call.
 */
import { OUT_OF_SCOPE } from '../content/schemas';
import type { Brain } from './context';

export type Understanding =
  | { kind: 'intent'; intent: string; confidence: number }
  | { kind: 'unclear'; options: [string, string]; confidence: number }
  /** Below the threshold but above the confirm bar: asked "Did you mean …?" before it is served. */
  | { kind: 'unsure'; intent: string; confidence: number }
  | { kind: 'out_of_scope'; confidence: number; best: string | null };

/** Content sets no threshold and the model chose none: a cautious middle. */
const FALLBACK_THRESHOLD = 0.4;

/**
 * The out-of-scope threshold in force: `understanding.threshold` in the
 * content when a product owner set one (an explicit override), else the one
 * the model chose on held-out folds of its own training data.
 */
export function thresholdOf(brain: Brain): number {
  return brain.content.assistant.understanding.threshold ?? brain.model.threshold ?? FALLBACK_THRESHOLD;
}

/** Without `understanding.confirm_above`: this share of the threshold in force. */
const CONFIRM_SHARE = 0.6;

/**
 * The confidence above which a message under the threshold is confirmed
 * ("Did you mean …?") rather than given up on: `understanding.confirm_above`,
 * else a share of the threshold in force, so it follows the model's choice.
 */
export function confirmBarOf(brain: Brain): number {
  const threshold = thresholdOf(brain);
  return Math.min(brain.content.assistant.understanding.confirm_above ?? threshold * CONFIRM_SHARE, threshold);
}

export function understand(brain: Brain, text: string): Understanding {
  const { ambiguity_margin } = brain.content.assistant.understanding;
  const threshold = thresholdOf(brain);
  // The best three: the learnt "none of these" and the two intents compared below.
  const ranked = brain.model.rank(text, 3);
  // Learnt "none of these" beats any intent it outranks.
  if (ranked[0]?.label === OUT_OF_SCOPE) return { kind: 'out_of_scope', confidence: 1 - ranked[0].confidence, best: ranked[1]?.label ?? null };
  const [first, second] = ranked.filter((r) => r.label !== OUT_OF_SCOPE);
  if (!first || first.confidence < threshold) {
    // Two close candidates that together clear the bar: ask rather than give up.
    if (first && second && first.confidence + second.confidence >= threshold * 1.5 && first.confidence - second.confidence < ambiguity_margin)
      return { kind: 'unclear', options: [first.label, second.label], confidence: first.confidence };
    // A request (not small talk) the model half recognises: confirm it rather than give up.
    if (first && first.confidence >= confirmBarOf(brain) && brain.content.intents.get(first.label)?.topic)
      return { kind: 'unsure', intent: first.label, confidence: first.confidence };
    return { kind: 'out_of_scope', confidence: first?.confidence ?? 0, best: first?.label ?? null };
  }
  if (second && first.confidence - second.confidence < ambiguity_margin)
    return { kind: 'unclear', options: [first.label, second.label], confidence: first.confidence };
  return { kind: 'intent', intent: first.label, confidence: first.confidence };
}
