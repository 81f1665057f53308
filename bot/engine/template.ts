/**
 * Renders content text: `{name}` or `{name|filter}`, into both the written
 * and the spoken wording. Filters: money, date, time, datetime, gb, pct,
 * code (spelled out on the phone), digits.
 */
import type { FactValue } from '../domain/facts';
import { dateTimeFormat, numberFormat } from '../domain/intl';

export interface Rendered {
  text: string;
  speak: string;
}

export type Vars = Readonly<Record<string, FactValue | undefined>>;

const minor: Record<string, [string, string]> = {
  USD: ['dollar', 'cent'],
  CAD: ['dollar', 'cent'],
  AUD: ['dollar', 'cent'],
  EUR: ['euro', 'cent'],
  GBP: ['pound', 'penny'],
};

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

const plural = (n: number, word: string) => `${n} ${n === 1 ? word : word === 'penny' ? 'pence' : `${word}s`}`;

export class Formatter {
  constructor(
    readonly language: string,
    readonly currency: string,
    readonly timeZone: string,
    private readonly now: () => Date,
  ) {}

  money(value: number): Rendered {
    const text = numberFormat(this.language, { style: 'currency', currency: this.currency }).format(value);
    const names = minor[this.currency];
    if (!names) return { text, speak: text };
    const abs = Math.abs(value);
    const whole = Math.floor(abs + 1e-9);
    const cents = Math.round((abs - whole) * 100);
    const parts = [whole > 0 || cents === 0 ? plural(whole, names[0]) : '', cents ? plural(cents, names[1]) : '']
      .filter(Boolean)
      .join(' and ');
    return { text, speak: value < 0 ? `minus ${parts}` : parts };
  }

  /** A calendar date (`2026-11-26`) or the date of a timestamp, in the assistant's time zone. */
  date(value: string): Rendered {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const d = new Date(dateOnly ? `${value}T12:00:00Z` : value);
    if (Number.isNaN(d.getTime())) return { text: value, speak: value };
    const timeZone = dateOnly ? 'UTC' : this.timeZone;
    const sameYear =
      dateTimeFormat('en', { year: 'numeric', timeZone }).format(d) ===
      dateTimeFormat('en', { year: 'numeric', timeZone: this.timeZone }).format(this.now());
    const opts: Intl.DateTimeFormatOptions = { weekday: 'long', month: 'long', day: 'numeric', timeZone };
    if (!sameYear) opts.year = 'numeric';
    const text = dateTimeFormat(this.language, opts).format(d);
    const day = Number(dateTimeFormat('en', { day: 'numeric', timeZone }).format(d));
    return { text, speak: text.replace(new RegExp(`\\b${day}\\b`), ordinal(day)) };
  }

  time(value: string): Rendered {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return { text: value, speak: value };
    const text = dateTimeFormat(this.language, { hour: 'numeric', minute: '2-digit', timeZone: this.timeZone }).format(d);
    return { text, speak: text.replace(':00', '') };
  }

  datetime(value: string): Rendered {
    const date = this.date(value);
    const time = this.time(value);
    return { text: `${date.text} at ${time.text}`, speak: `${date.speak} at ${time.speak}` };
  }

  apply(filter: string | undefined, value: FactValue | undefined): Rendered {
    if (value === undefined || value === null) return { text: '', speak: '' };
    if (Array.isArray(value)) {
      const joined = value.join(', ');
      return { text: joined, speak: joined };
    }
    const plain = String(value);
    switch (filter) {
      case 'money':
        return typeof value === 'number' || !Number.isNaN(Number(value)) ? this.money(Number(value)) : { text: plain, speak: plain };
      case 'date':
        return this.date(plain);
      case 'time':
        return this.time(plain);
      case 'datetime':
        return this.datetime(plain);
      case 'gb':
        return { text: `${plain} GB`, speak: `${plain} gigabytes` };
      case 'pct': {
        const pct = `${Math.round(Number(value) * 100)}`;
        return { text: `${pct}%`, speak: `${pct} percent` };
      }
      case 'code':
      case 'digits':
        return { text: plain, speak: spell(plain) };
      default:
        return { text: plain, speak: plain };
    }
  }
}

/** "BW-482913" → "B W 4 8 2 9 1 3", read one character at a time. */
export function spell(code: string): string {
  return code
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase()
    .split('')
    .join(' ');
}

const spaced = /(\s*)\{([a-z_][a-z0-9_.]*)(?:\|([a-z]+))?\}/gi;

/** A missing value leaves nothing behind: "Hi {first_name}!" is "Hi!", never "Hi !". */
export function render(template: string, vars: Vars, format: Formatter, speakTemplate?: string): Rendered {
  const fill = (t: string, which: keyof Rendered) =>
    t.replace(spaced, (m: string, space: string, name: string, filter: string | undefined, at: number) => {
      const value = format.apply(filter, vars[name])[which];
      if (value) return `${space}${value}`;
      const next = t.charAt(at + m.length);
      return next === '' || /[!?.,;:)]/.test(next) ? '' : space;
    });
  return { text: fill(template, 'text'), speak: fill(speakTemplate ?? template, 'speak') };
}
