/**
 * Turns an answer (typed, spoken or pressed) into a typed slot value, or
 * says it could not. Keypad digits work for every type a caller can key in.
 */
import type * as Chrono from 'chrono-node';
import type { SlotType } from '../content/schemas';
import { plainWords } from '../domain/text';
import type { Choice } from './turn';

export interface SlotInput {
  text?: string;
  digits?: string;
}

export interface EntityPatterns {
  orderNumber: RegExp;
  postcode: RegExp;
}

export type Parsed = { ok: true; value: string | number | boolean } | { ok: false };

const no: Parsed = { ok: false };
const yesWords = /^(y|yes|yeah|yep|yup|ya|sure|correct|right|that's right|thats right|ok|okay|please|please do|go ahead|do it|confirm|confirmed|absolutely|definitely|of course|affirmative)\b/;
const noWords = /^(n|no|nope|nah|not|wrong|incorrect|cancel|don't|dont|do not|negative|never mind|nevermind)\b/;
// A street address names a number or a kind of street; "no, I meant my plan" does neither.
const streetWords =
  /\b(street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|terrace|ter|mall|square|sq|plaza|highway|hwy|parkway|pkwy|circle|cir|alley|row|crescent|close|apt|apartment|suite|unit|po box)\b/;
// Words of a sentence, not of a place name.
const notPlaceWords = /\b(i|me|my|you|your|want|wanted|meant|mean|need|what|where|when|how|why|is|was|not|no|yes|please|actually|plan|bill|order)\b/;
const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];

/** Joins spelled-out characters: "b w 4 8 2 9 1 3" → "bw482913". */
function unspell(text: string): string {
  return text.replace(/\b([a-z0-9])(?:\s+(?=[a-z0-9]\b))/gi, '$1');
}

export function findOrderNumber(text: string, p: EntityPatterns): string | null {
  for (const candidate of [text, unspell(text)]) {
    const m = new RegExp(p.orderNumber.source, 'i').exec(candidate);
    if (m) {
      const raw = m[0].toUpperCase().replace(/\s+/g, '');
      return raw.replace(/^([A-Z]+)-?(\d+)$/, '$1-$2');
    }
  }
  return null;
}

export function findPostcode(text: string, p: EntityPatterns): string | null {
  const m = new RegExp(p.postcode.source, 'i').exec(text) ?? new RegExp(p.postcode.source, 'i').exec(unspell(text));
  return m ? m[0].toUpperCase() : null;
}

export function findAmount(text: string): number | null {
  const m = /(?:[$£€]\s?(\d[\d,]*(?:\.\d{1,2})?))|(\d[\d,]*(?:\.\d{1,2})?)\s*(?:dollars|bucks|usd|euros|pounds)/i.exec(text);
  const raw = m?.[1] ?? m?.[2];
  return raw ? Number(raw.replace(/,/g, '')) : null;
}

/** An ISO date (YYYY-MM-DD) from words ("March 3rd 1985", "3/3/85") or 8 keypad digits (MMDDYYYY). */
let chrono: typeof Chrono | undefined;
/** chrono-node, loaded by the first date a customer gives: it cost a third of a second of every start. */
const dates = (): typeof Chrono => (chrono ??= require('chrono-node') as typeof Chrono);

export function findDate(input: SlotInput, now: Date): string | null {
  const digits = input.digits ?? (/^\s*\d{8}\s*$/.test(input.text ?? '') ? input.text!.trim() : undefined);
  if (digits && /^\d{8}$/.test(digits)) {
    const [mm, dd, yyyy] = [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4)];
    const d = new Date(`${yyyy}-${mm}-${dd}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(dd) ? `${yyyy}-${mm}-${dd}` : null;
  }
  if (!input.text) return null;
  const result = dates().en.parse(input.text, now)[0];
  if (!result || !result.start.isCertain('day') || !result.start.isCertain('month')) return null;
  const y = result.start.get('year')!;
  const m = result.start.get('month')!;
  const d = result.start.get('day')!;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}


export function pickChoice(input: SlotInput, choices: readonly (Choice & { synonyms?: readonly string[] })[]): string | null {
  const key = input.digits ?? (/^\s*\d\s*$/.test(input.text ?? '') ? input.text!.trim() : undefined);
  if (key) {
    const n = Number(key);
    return n >= 1 && n <= choices.length ? choices[n - 1]!.value : null;
  }
  const said = plainWords(input.text ?? '');
  if (!said) return null;
  const exact = choices.find((c) => [c.value, c.label, ...(c.synonyms ?? [])].some((w) => plainWords(w) === said));
  if (exact) return exact.value;
  const ord = ordinals.findIndex((o) => new RegExp(`\\b${o}\\b`).test(said));
  if (ord >= 0 && ord < choices.length) return choices[ord]!.value;
  if (/\blast\b/.test(said)) return choices.at(-1)!.value;
  // The choice whose words the answer mentions most, if one stands out.
  const words = new Set(said.split(' ').filter((w) => w.length > 2));
  const scored = choices
    .map((c) => {
      const vocab = new Set([c.value, c.label, ...(c.synonyms ?? [])].flatMap((w) => plainWords(w).split(' ')));
      let hits = 0;
      for (const w of words) if (vocab.has(w)) hits++;
      return { c, hits };
    })
    .sort((a, b) => b.hits - a.hits);
  const [best, second] = scored;
  return best && best.hits > 0 && (!second || best.hits > second.hits) ? best.c.value : null;
}

export interface SlotContext {
  choices: readonly (Choice & { synonyms?: readonly string[] })[];
  patterns: EntityPatterns;
  now: Date;
}

export function parseSlot(type: SlotType, input: SlotInput, ctx: SlotContext): Parsed {
  const text = (input.text ?? '').trim();
  const digits = input.digits?.replace(/[^0-9]/g, '');
  switch (type) {
    case 'text':
      return text ? { ok: true, value: text } : no;
    case 'street': {
      const t = plainWords(text);
      return t && text.length <= 100 && (/\d/.test(t) || streetWords.test(t)) ? { ok: true, value: text } : no;
    }
    case 'city': {
      const t = plainWords(text);
      const words = t.split(' ');
      return t && !/\d/.test(t) && words.length <= 4 && !notPlaceWords.test(t) ? { ok: true, value: text.replace(/[.!?]+$/, '') } : no;
    }
    case 'number': {
      const m = digits || /-?\d+(\.\d+)?/.exec(text)?.[0];
      return m ? { ok: true, value: Number(m) } : no;
    }
    case 'amount': {
      const v = digits ? Number(digits) : (findAmount(text) ?? (/^\s*\d+(\.\d{1,2})?\s*$/.test(text) ? Number(text) : null));
      return v !== null ? { ok: true, value: v } : no;
    }
    case 'yesno': {
      if (digits) return digits === '1' ? { ok: true, value: true } : digits === '2' ? { ok: true, value: false } : no;
      const t = plainWords(text);
      if (noWords.test(t)) return { ok: true, value: false };
      if (yesWords.test(t)) return { ok: true, value: true };
      return no;
    }
    case 'choice': {
      const v = pickChoice(input, ctx.choices);
      return v !== null ? { ok: true, value: v } : no;
    }
    case 'date': {
      const v = findDate(input, ctx.now);
      return v ? { ok: true, value: v } : no;
    }
    case 'order_number': {
      if (digits) return digits.length >= 4 ? { ok: true, value: digits } : no;
      const v = findOrderNumber(text, ctx.patterns) ?? (/^\s*\d{4,}\s*$/.test(text) ? text.trim() : null);
      return v ? { ok: true, value: v } : no;
    }
    case 'postcode': {
      const v = findPostcode(digits || text, ctx.patterns);
      return v ? { ok: true, value: v } : no;
    }
  }
}
