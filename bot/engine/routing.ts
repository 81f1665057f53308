/** Which queue a handoff goes to, and how urgently: the first rule that holds wins. */
import type { RoutingRules } from '../content/schemas';
import type { Facts } from '../domain/facts';
import { holds } from './conditions';

export interface Route {
  queue: string;
  queueLabel: string;
  priority: number;
  expectedWaitMinutes: number | null;
}

/**
 * @param intentQueue the queue of the intent being handed off (or the fallback queue).
 * @param facts must include `intent`, `segment` and the profile facts.
 * @param fixedQueue a queue decided before routing (failed verification goes to `verification.queue`);
 *   the priority is still the segment's.
 */
export function route(rules: RoutingRules, intentQueue: string, facts: Facts, fixedQueue?: string): Route {
  // A fixed queue (failed verification) skips the rules: an unproven identity earns no special desk.
  const rule = fixedQueue ? undefined : rules.rules.find((r) => holds(r.when, facts));
  const queue = fixedQueue ?? rule?.queue ?? intentQueue;
  let priority =
    rule?.priority === 'value' && typeof facts.value === 'number'
      ? Math.round(facts.value)
      : (rules.priority.by_segment[String(facts.segment)] ?? 0);
  for (const boost of rules.priority.boosts) if (holds(boost.when, facts)) priority += boost.add;
  const q = rules.queues[queue];
  return { queue, queueLabel: q?.label ?? queue, priority, expectedWaitMinutes: q?.expected_wait_minutes ?? null };
}
