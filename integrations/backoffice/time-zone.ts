/** Calendar and clock arithmetic in a named time zone (the stores' and the demo's). */
import { dateTimeFormat } from '../../bot/domain/intl';

const DAY = 86_400_000;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** How far the zone's wall clock is ahead of UTC at instant `t`, in ms. */
export function zoneOffset(t: number, tz: string): number {
  const parts = dateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(t));
  const n = (type: string) => Number(parts.find((x) => x.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(t / 1000) * 1000;
}

export function localDate(t: number, tz: string): string {
  return new Date(t + zoneOffset(t, tz)).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(date) + days * DAY).toISOString().slice(0, 10);
}

/** The same wall-clock time `days` later: 6pm stays 6pm across a daylight-saving change. */
export function addLocalDays(t: number, days: number, tz: string): number {
  if (days === 0) return t;
  const wall = t + zoneOffset(t, tz) + days * DAY;
  return wall - zoneOffset(wall - zoneOffset(wall, tz), tz);
}

/** `2026-11-24T18:00:00-08:00`: ISO 8601 with the zone's offset, readable in an agent's notes. */
export function isoInZone(t: number, tz: string): string {
  const offset = zoneOffset(t, tz);
  const minutes = Math.abs(offset) / 60_000;
  const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${new Date(t + offset).toISOString().slice(0, 19)}${offset < 0 ? '-' : '+'}${hhmm}`;
}
