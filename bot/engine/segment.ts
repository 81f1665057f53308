/** The customer's segment: the first segment rule whose condition holds. */
import type { SegmentRules } from '../content/schemas';
import type { Facts } from '../domain/facts';
import type { Profile } from '../domain/profile';
import { holds } from './conditions';

export interface Segment {
  segment: string;
  strategy: string;
  intensity: string;
}

/** The first segment whose rule holds; unknown customers get the `unknown` segment. */
export function segmentOf(rules: SegmentRules, profile: Profile | null, facts: Facts): Segment {
  const name = profile ? rules.segments.find((s) => holds(s.when, facts))?.segment : rules.unknown;
  const seg = rules.segments.find((s) => s.segment === (name ?? rules.unknown)) ?? rules.segments.at(-1)!;
  return { segment: seg.segment, strategy: seg.strategy, intensity: seg.intensity };
}
