/**
 * The quick check of a stored conversation state: true only when the value
 * is exactly what zod's parse of `conversationStateSchema` would give back
 * (every field present, no field more, every value of its type), so it can
 * be used as it is. Anything else — an old, partial, padded or corrupt
 * state — goes through zod as before. Saves zod rebuilding the state on
 * every load; the schema in state.ts stays the one definition.
 */
import { channelNamePattern } from '../domain/channels';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => typeof v === 'string';
const strOrNull = (v: unknown) => v === null || typeof v === 'string';
const bool = (v: unknown) => typeof v === 'boolean';
const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const num = (v: unknown) => typeof v === 'number' && !Number.isNaN(v);

/** `o` has exactly these own keys. */
function exactly(o: Obj, keys: readonly string[]): boolean {
  let n = 0;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) return false;
    n++;
  }
  return n === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(o, k));
}

const slotValue = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'boolean' || num(v);
function values(v: unknown): boolean {
  if (!isObj(v)) return false;
  for (const k in v) if (!Object.prototype.hasOwnProperty.call(v, k) || k === '__proto__' || !slotValue(v[k])) return false;
  return true;
}
const listOf = (v: unknown, item: (x: unknown) => boolean) => Array.isArray(v) && v.every(item);
const strings = (v: unknown) => listOf(v, str);
const record = (keys: readonly string[]) => (v: unknown) => isObj(v) && exactly(v, keys) && keys.every((k) => str(v[k]));

function identity(v: unknown): boolean {
  if (v === null) return true;
  if (!isObj(v) || !str(v.value)) return false;
  if (v.kind === 'phone') return exactly(v, ['kind', 'value']);
  return v.kind === 'customerId' && exactly(v, ['kind', 'value', 'authenticated']) && bool(v.authenticated);
}

const verifying = (v: unknown) =>
  v === null || (isObj(v) && exactly(v, ['asking', 'goal']) && (v.asking === 'who' || v.asking === 'check') && (v.goal === 'identified' || v.goal === 'verified'));

function dialog(v: unknown): boolean {
  if (v === null) return true;
  if (!isObj(v) || !exactly(v, ['dialog', 'intent', 'pc', 'values', 'waiting'])) return false;
  const w = v.waiting;
  return str(v.dialog) && str(v.intent) && count(v.pc) && values(v.values) && (w === null || (isObj(w) && exactly(w, ['slot', 'attempts']) && str(w.slot) && count(w.attempts)));
}

const pending = (v: unknown) => isObj(v) && exactly(v, ['intent', 'values']) && str(v.intent) && values(v.values);

function survey(v: unknown): boolean {
  if (v === null) return true;
  if (!isObj(v) || !str(v.contactId) || !str(v.askedAt)) return false;
  return 'reasked' in v ? exactly(v, ['contactId', 'askedAt', 'reasked']) && count(v.reasked) : exactly(v, ['contactId', 'askedAt']);
}

const handoffKeys = ['queue', 'at', 'handoffId'] as const;
function handedOff(v: unknown): boolean {
  if (v === null) return true;
  if (!isObj(v) || !handoffKeys.every((k) => str(v[k]))) return false;
  return 'askedToLeave' in v ? exactly(v, [...handoffKeys, 'askedToLeave']) && v.askedToLeave === true : exactly(v, handoffKeys);
}

/** Every field of the state, and what it must be; the transcript is checked by the caller. */
const fields: Record<string, (v: unknown) => boolean> = {
  conversationId: str,
  channel: (v) => str(v) && channelNamePattern.test(v as string),
  startedAt: str,
  updatedAt: str,
  identity,
  customerId: strOrNull,
  lookedUp: bool,
  verified: bool,
  verifying,
  verifyFailures: count,
  misses: count,
  silences: count,
  turns: count,
  topic: strOrNull,
  clarifying: (v) => v === null || strings(v),
  dialog,
  pending: (v) => listOf(v, pending),
  confidence: (v) => v === null || num(v),
  actions: strings,
  words: strings,
  transcript: () => true,
  handedOff,
  outcomes: (v) => listOf(v, record(['intent', 'outcome', 'at'])),
  offersMade: (v) => listOf(v, record(['offer', 'intent', 'at'])),
  ended: bool,
  askedAnythingElse: bool,
  survey,
};
const names = ['version', ...Object.keys(fields)];

/** Whether `raw` (its transcript aside) is a state of `version` exactly as the schema's parse returns it. */
export function isCanonicalState(raw: unknown, version: number): boolean {
  return isObj(raw) && raw.version === version && exactly(raw, names) && names.every((k) => k === 'version' || fields[k]!(raw[k]));
}
