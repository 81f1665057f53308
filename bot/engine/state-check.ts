/**
 * The quick check of a stored value against a zod schema: true only when the
 * value is exactly what zod's parse would give back (every field present, no
 * field more, every value of its type), so it can be used as it is. Anything
 * else (an old, partial, padded or corrupt state) goes through zod as
 * before. Built once from the schema itself, so a field added to the schema
 * is checked with no second list to keep (state.ts builds the one for the
 * conversation state). A part of a schema it cannot judge (a refinement, a
 * transform, a check it does not know) is never taken as it is: values with
 * it go through zod, and `unsupported` names it.
 */
import { z } from 'zod';

type Check = (v: unknown) => boolean;
type Obj = Record<string, unknown>;

/** The check, and the paths of the parts of the schema it cannot judge (values there always go through zod). */
export interface CanonicalCheck {
  (value: unknown): boolean;
  readonly unsupported: readonly string[];
}

const own = Object.prototype.hasOwnProperty;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Builds the quick check for `schema`. `unchecked`: top-level fields taken as
 * they are (present, of any value), because the caller checks them itself.
 */
export function canonicalCheck(schema: z.ZodTypeAny, unchecked: readonly string[] = []): CanonicalCheck {
  const unsupported: string[] = [];
  const never = (path: string): Check => {
    unsupported.push(path || '(root)');
    return () => false;
  };

  function build(s: z.ZodTypeAny, path: string): Check {
    if (s instanceof z.ZodString) return stringCheck(s, path);
    if (s instanceof z.ZodNumber) return numberCheck(s, path);
    if (s instanceof z.ZodBoolean) return (v) => typeof v === 'boolean';
    if (s instanceof z.ZodNull) return (v) => v === null;
    if (s instanceof z.ZodLiteral) {
      const value: unknown = s.value;
      return (v) => v === value;
    }
    if (s instanceof z.ZodEnum) {
      const values = new Set<unknown>(s.options as unknown[]);
      return (v) => values.has(v);
    }
    if (s instanceof z.ZodNullable) {
      const inner = build(s.unwrap() as z.ZodTypeAny, path);
      return (v) => v === null || inner(v);
    }
    // Filled in by zod when missing: the key is then always there (objectCheck).
    if (s instanceof z.ZodDefault) return build(s.removeDefault() as z.ZodTypeAny, path);
    if (s instanceof z.ZodArray) return arrayCheck(s, path);
    if (s instanceof z.ZodRecord) {
      if (!(s.keySchema instanceof z.ZodString) || s.keySchema._def.checks.length) return never(path);
      const value = build(s.valueSchema as z.ZodTypeAny, `${path}.*`);
      return (v) => {
        if (!isObj(v)) return false;
        for (const k in v) if (!own.call(v, k) || k === '__proto__' || !value(v[k])) return false;
        return true;
      };
    }
    if (s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) {
      const options = (s.options as z.ZodTypeAny[]).map((o, i) => build(o, `${path}|${i}`));
      return (v) => {
        for (let i = 0; i < options.length; i++) if (options[i]!(v)) return true;
        return false;
      };
    }
    if (s instanceof z.ZodObject) return objectCheck(s as z.AnyZodObject, path, path ? [] : unchecked);
    return never(path);
  }

  function stringCheck(s: z.ZodString, path: string): Check {
    const parts: Check[] = [];
    for (const c of s._def.checks) {
      if (c.kind === 'regex') {
        const re = c.regex;
        parts.push((v) => {
          re.lastIndex = 0;
          return re.test(v as string);
        });
      } else if (c.kind === 'min') parts.push((v) => (v as string).length >= c.value);
      else if (c.kind === 'max') parts.push((v) => (v as string).length <= c.value);
      else if (c.kind === 'length') parts.push((v) => (v as string).length === c.value);
      else return never(`${path} (${c.kind})`);
    }
    return parts.length ? (v) => typeof v === 'string' && parts.every((p) => p(v)) : (v) => typeof v === 'string';
  }

  function numberCheck(s: z.ZodNumber, path: string): Check {
    let int = false;
    let finite = false;
    let min = -Infinity;
    let max = Infinity;
    let above = false;
    let below = false;
    for (const c of s._def.checks) {
      if (c.kind === 'int') int = true;
      else if (c.kind === 'finite') finite = true;
      else if (c.kind === 'min') [min, above] = [c.value, !c.inclusive];
      else if (c.kind === 'max') [max, below] = [c.value, !c.inclusive];
      else return never(`${path} (${c.kind})`);
    }
    if (!finite && !above && !below && max === Infinity) {
      // The usual ones, without a closure per check: a count (int, min 0), any number.
      if (int) return (v) => typeof v === 'number' && Number.isInteger(v) && v >= min;
      if (min === -Infinity) return (v) => typeof v === 'number' && !Number.isNaN(v);
    }
    return (v) =>
      typeof v === 'number' &&
      !Number.isNaN(v) &&
      (!int || Number.isInteger(v)) &&
      (!finite || Number.isFinite(v)) &&
      (above ? v > min : v >= min) &&
      (below ? v < max : v <= max);
  }

  function arrayCheck(s: z.ZodArray<z.ZodTypeAny>, path: string): Check {
    const { minLength, maxLength, exactLength } = s._def;
    const item = build(s.element, `${path}[]`);
    const every = (v: unknown[]) => {
      for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
      return true;
    };
    if (!minLength && !maxLength && !exactLength) return (v) => Array.isArray(v) && every(v);
    return (v) =>
      Array.isArray(v) &&
      (!minLength || v.length >= minLength.value) &&
      (!maxLength || v.length <= maxLength.value) &&
      (!exactLength || v.length === exactLength.value) &&
      every(v);
  }

  function objectCheck(s: z.AnyZodObject, path: string, skip: readonly string[]): Check {
    const def = s._def as { unknownKeys: string; catchall: z.ZodTypeAny };
    if (!(def.catchall instanceof z.ZodNever)) return never(`${path} (catchall)`);
    // zod drops unknown keys (strip) or refuses them (strict): either way a value with one is not as zod returns it.
    const exact = def.unknownKeys !== 'passthrough';
    const fields = Object.entries(s.shape as Record<string, z.ZodTypeAny>).map(([key, field]) => ({
      key,
      // An optional key may be missing; a key with a default never is (zod fills it in).
      optional: field instanceof z.ZodOptional,
      check: skip.includes(key) ? () => true : build(field instanceof z.ZodOptional ? (field.unwrap() as z.ZodTypeAny) : field, path ? `${path}.${key}` : key),
    }));
    const keys = fields.map((f) => f.key);
    const optional = fields.map((f) => f.optional);
    const checks = fields.map((f) => f.check);
    return (v) => {
      if (!isObj(v)) return false;
      let count = 0;
      for (const k in v) {
        if (!own.call(v, k)) return false;
        count++;
      }
      let present = 0;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (own.call(v, key)) {
          present++;
          if (!checks[i]!(v[key])) return false;
        } else if (!optional[i]) return false;
      }
      return !exact || present === count;
    };
  }

  return Object.assign(build(schema, ''), { unsupported });
}
