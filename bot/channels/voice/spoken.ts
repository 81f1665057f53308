/**
 * What a caller hears: the spoken wording of each reply, choices read out
 * ("say Yes or press 1"), and nothing visual (links, markup, emoji).
 */
import type { Choice, Reply } from '../../engine/turn';

const url = /\bhttps?:\/\/\S+/gi;
const markup = /<[^>]+>|[*_`#>]+/g;
const emoji = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu;

/** Plain speakable text: no URLs, markup or emoji. */
export function speakable(text: string): string {
  return text.replace(url, '').replace(markup, '').replace(emoji, '').replace(/\s+/g, ' ').trim();
}

/** "Samsung Galaxy S25 (BW-550002)" is read as "Samsung Galaxy S25". */
function spokenLabel(label: string): string {
  return speakable(label.replace(/\s*\([^)]*\)/g, ''));
}

export function readChoices(choices: readonly Choice[]): string {
  const parts = choices.map((c, i) => `say ${spokenLabel(c.label)} or press ${i + 1}`);
  const joined = parts.length > 1 ? `${parts.slice(0, -1).join(', ')}, or ${parts.at(-1)}` : parts[0]!;
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

export function spokenReply(reply: Reply): string {
  const said = spellCodes(speakable(reply.speak ?? reply.text));
  return reply.choices?.length ? `${said} ${readChoices(reply.choices)}` : said;
}
