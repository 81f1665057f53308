/**
 * What can still be checked of a file that fails its schema: the parsed data
 * with the parts that fail taken out (a number where text belongs becomes
 * text; an unknown field, a bad list item or a bad optional value is
 * dropped), validated again. The cross-reference check runs on what is
 * left, so one run of `npm run validate` shows a file's schema errors and
 * its wrong references together. Salvaged content is never served: the
 * schema errors already refuse it.
 */
import type { z } from 'zod';
import type { FieldPath } from './yaml-file';

type Container = Record<string, unknown> | unknown[];

/** What a repair needs of a zod issue. */
export interface RepairIssue {
  path: FieldPath;
  code: string;
  expected?: unknown;
  received?: unknown;
}

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

function parentOf(data: unknown, path: FieldPath): Container | null {
  let at: unknown = data;
  for (const key of path.slice(0, -1)) {
    if (!isContainer(at)) return null;
    at = (at as Record<string, unknown>)[String(key)];
  }
  return isContainer(at) ? at : null;
}

/** One pass of repairs for `issues`; false when one of them cannot be repaired (a required field missing …). */
function repair(data: unknown, issues: readonly RepairIssue[]): boolean {
  const drops: { parent: Container; key: string | number }[] = [];
  for (const issue of issues) {
    const key = issue.path.at(-1);
    const parent = parentOf(data, issue.path);
    if (key === undefined || !parent) return false;
    const value = (parent as Record<string, unknown>)[String(key)];
    if (value === undefined) return false;
    if (issue.code === 'invalid_type' && issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
      (parent as Record<string, unknown>)[String(key)] = String(value);
    else drops.push({ parent, key });
  }
  // Highest index first, so earlier indexes of a list stay where they are.
  drops.sort((a, b) => (typeof b.key === 'number' ? b.key : -1) - (typeof a.key === 'number' ? a.key : -1));
  for (const { parent, key } of drops)
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete (parent as Record<string, unknown>)[String(key)];
  return true;
}

/**
 * The data minus what fails `schema`, validated, or null when what fails is
 * the file's backbone. `leaves` turns a zod error into the issues to repair
 * (a union's failure into its branch's own issue; an unknown key into one issue at the key).
 */
export function salvage<S extends z.ZodTypeAny>(
  data: unknown,
  schema: S,
  leaves: (error: z.ZodError) => RepairIssue[],
): z.output<S> | null {
  const copy: unknown = structuredClone(data);
  for (let round = 0; round < 8; round++) {
    const result = schema.safeParse(copy);
    if (result.success) return result.data as z.output<S>;
    if (!repair(copy, leaves(result.error))) return null;
  }
  return null;
}
