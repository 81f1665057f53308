/**
 * Facts and conditions: the small rule language of segments, routing,
 * offers and dialog branches.
 */
import type { Condition } from '../content/schemas';
import type { FactValue, Facts } from '../domain/facts';

const comparison = /^(>=|<=|>|<|!=|==)\s*(.+)$/;
const membership = /^(has|lacks)\s+(.+)$/;

function same(fact: FactValue | undefined, expected: string | number | boolean | null): boolean {
  if (fact === undefined || fact === null) return expected === null;
  if (Array.isArray(fact)) return fact.includes(String(expected));
  return String(fact) === String(expected);
}

/** Whether one fact satisfies one condition value. */
export function test(fact: FactValue | undefined, expected: Condition[string]): boolean {
  if (Array.isArray(expected)) return expected.some((e) => same(fact, e));
  if (typeof expected !== 'string') return same(fact, expected);
  const e = expected.trim();
  if (e === 'set') return fact !== undefined && fact !== null && fact !== '' && !(Array.isArray(fact) && fact.length === 0);
  if (e === 'unset') return !test(fact, 'set');
  const m = membership.exec(e);
  if (m) {
    const has = Array.isArray(fact) ? fact.includes(m[2]!) : fact === m[2];
    return m[1] === 'has' ? has : !has;
  }
  const c = comparison.exec(e);
  if (c) {
    const [, op, rhs] = c;
    if (op === '!=') return !same(fact, rhs!);
    if (op === '==') return same(fact, rhs!);
    if (typeof fact !== 'number') return false;
    const n = Number(rhs);
    if (Number.isNaN(n)) return false;
    return op === '>=' ? fact >= n : op === '<=' ? fact <= n : op === '>' ? fact > n : fact < n;
  }
  return same(fact, e);
}

/** Whether every key of the condition holds. An empty condition always holds. */
export function holds(condition: Condition | undefined, facts: Facts): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([key, expected]) => test(facts[key], expected));
}
