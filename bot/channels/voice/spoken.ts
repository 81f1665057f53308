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

export function spokenReply(reply: Reply): string {
  const said = speakable(reply.speak ?? reply.text);
  return reply.choices?.length ? `${said} ${readChoices(reply.choices)}` : said;
}
