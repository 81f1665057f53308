/** Store opening hours: parsing, a readable week, today's hours and "open now" in the store's time zone. */
import { dateTimeFormat } from '../../bot/domain/intl';
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof days)[number];
export type WeekHours = Record<Day, string>;

/** "09:00" → "9am", "17:30" → "5:30pm". */
function clock(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const suffix = h >= 12 ? 'pm' : 'am';
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}${m ? `:${String(m).padStart(2, '0')}` : ''}${suffix}`;
}

export function readableHours(spec: string): string {
  if (spec === 'closed') return 'closed';
  const [open, close] = spec.split('-') as [string, string];
  return `${clock(open)} to ${clock(close)}`;
}

const title = (d: Day) => d.charAt(0).toUpperCase() + d.slice(1);

/** "Mon–Fri 9am to 8pm, Sat 10am to 6pm, Sun closed". */
export function weekSummary(hours: WeekHours): string {
  const groups: { from: Day; to: Day; spec: string }[] = [];
  for (const d of days) {
    const last = groups.at(-1);
    if (last && last.spec === hours[d]) last.to = d;
    else groups.push({ from: d, to: d, spec: hours[d] });
  }
  return groups
    .map((g) => `${g.from === g.to ? title(g.from) : `${title(g.from)}–${title(g.to)}`} ${readableHours(g.spec)}`)
    .join(', ');
}

/** The weekday and minutes past midnight of `now` in `timeZone`. */
export function localTime(now: Date, timeZone: string): { day: Day; minutes: number } {
  const parts = dateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Day;
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function isOpen(spec: string, minutes: number): boolean {
  if (spec === 'closed') return false;
  const [open, close] = spec.split('-').map((t) => {
    const [h, m] = t.split(':').map(Number) as [number, number];
    return h * 60 + m;
  }) as [number, number];
  return minutes >= open && minutes < close;
}

export const hoursPattern = /^(closed|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)$/;
export { days };
