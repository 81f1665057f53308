/**
 * What a caller hears: the spoken wording of each reply, choices read out
 * ("say Yes or press 1", worded in rules/assistant.yaml), nothing visual
 * (links, markup, emoji), units and opening hours in words, and at most one
 * apology per answer.
 */
import type { Choice, Reply } from '../../engine/turn';

/** How choices are read out: `choice_spoken` ("say {label} or press {number}") and `list_or` of assistant.yaml. */
export interface ChoiceWording {
  choice: string;
  or: string;
}

// A link cannot be heard, and neither can the "at" or "here:" that led to it.
const url = /(?:\s*\b(?:at|on|via|here|see)\s*:?)?\s*\bhttps?:\/\/\S+/gi;
const markup = /<[^>]+>|[*_`#>]+/g;
const emoji = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu;

/** Plain speakable text: no URLs, markup or emoji. */
export function speakable(text: string): string {
  return text
    .replace(url, '')
    .replace(markup, '')
    .replace(emoji, '')
    .replace(/\s+([.,!?;:])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

const dayNames: Record<string, string> = { Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' };
const day = Object.keys(dayNames).join('|');
const dayRange = new RegExp(`\\b(${day})\\b(?:\\s*[–-]\\s*\\b(${day})\\b)?(?=,?\\s+(?:\\d|closed))`, 'g');
const units: Record<string, string> = { GB: 'gigabytes', MB: 'megabytes', TB: 'terabytes' };

/**
 * Written shorthand in words: "Mon–Fri 9am to 8pm" → "Monday to Friday 9 AM to 8 PM",
 * "Unlimited 50 GB" → "Unlimited 50 gigabytes" (said one way, as the allowance is).
 */
export function inWords(text: string): string {
  return text
    .replace(dayRange, (_m, from: string, to?: string) => (to ? `${dayNames[from]} to ${dayNames[to]}` : dayNames[from]!))
    .replace(/\b(\d{1,2}(?::\d{2})?)\s?(am|pm)\b/gi, (_m, t: string, ap: string) => `${t} ${ap.toUpperCase()}`)
    .replace(/\b(\d+(?:\.\d+)?)\s?(GB|MB|TB)\b/g, (_m, n: string, u: string) => `${n} ${units[u]}`);
}

/** "Samsung Galaxy S25 (BW-550002)" is read as "Samsung Galaxy S25". */
function spokenLabel(label: string): string {
  return speakable(label.replace(/\s*\([^)]*\)/g, ''));
}

/** "Say Yes or press 1, or say No or press 2." in the content's words. */
export function readChoices(choices: readonly Choice[], wording: ChoiceWording): string {
  const parts = choices.map((c, i) => wording.choice.replace('{label}', spokenLabel(c.label)).replace('{number}', String(i + 1)));
  const joined = parts.length > 1 ? `${parts.slice(0, -1).join(', ')}, ${wording.or} ${parts.at(-1)}` : parts[0]!;
  return `${joined.charAt(0).toUpperCase()}${joined.slice(1)}.`;
}

/**
 * Codes a person reads one character at a time: ZIP codes, order and ticket
 * numbers ("94110" → "9 4 1 1 0", "BW-482913" → "B W 4 8 2 9 1 3"). Text
 * already spelled by the content (`{x|code}`) is left as it is.
 */
export function spellCodes(text: string): string {
  const spell = (s: string) => s.replace(/[^A-Za-z0-9]/g, '').toUpperCase().split('').join(' ');
  return text
    .replace(/\b[A-Z]{1,4}-?\d{4,}\b/g, spell)
    .replace(/(^|[^$\d.,])\b(\d{5})\b(?![.,]\d)(?!\s*(dollars?|cents?|euros?|pounds?|percent|gigabytes|GB|minutes|seconds))/g, (_m, before: string, zip: string) => `${before}${spell(zip)}`);
}

export function spokenReply(reply: Reply, wording: ChoiceWording): string {
  const said = spellCodes(inWords(speakable(reply.speak ?? reply.text)));
  if (!reply.choices?.length) return said;
  const ended = !said || /[.!?]$/.test(said) ? said : `${said}.`;
  return `${ended} ${readChoices(reply.choices, wording)}`.trim();
}

const apology = /^(?:I'm |I am )?sorry\b[^.!?]*[.!?]\s*/i;
const notHeard = /\b(?:catch|hear|get|understand)\b/i;

/**
 * One apology per answer: a later "Sorry, I didn't catch that." before a
 * question again is dropped; any other later apology loses its "Sorry".
 */
function oneApology(lines: string[]): string[] {
  let apologised = false;
  return lines.map((line) => {
    const m = apology.exec(line);
    if (!m) return line;
    if (!apologised) {
      apologised = true;
      return line;
    }
    const rest = line.slice(m[0].length);
    if (rest && notHeard.test(m[0])) return rest;
    const plain = line.replace(/^(?:I'm |I am )?sorry\b[,:]?\s*/i, '');
    return plain.charAt(0).toUpperCase() + plain.slice(1);
  });
}

/**
 * Every line of one answer, as said: each reply's spoken wording and, right
 * after the reply whose link went by text message, the notice that says so.
 */
export function spokenLines(replies: readonly Reply[], wording: ChoiceWording, linkNotice = ''): string[] {
  const lastLink = replies.map((r) => Boolean(r.link)).lastIndexOf(true);
  const lines = replies.flatMap((r, i) => (i === lastLink && linkNotice ? [spokenReply(r, wording), linkNotice] : [spokenReply(r, wording)]));
  return oneApology(lines.filter(Boolean));
}
