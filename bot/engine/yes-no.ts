/**
 * A yes/no question the bot asks outside a dialog ("Did you mean …?", "Do
 * you want to leave the queue?") and its short answer, as a dialog's yes/no
 * step asks and reads them.
 */
import type { MessageName } from '../domain/messages';
import { plainWords } from '../domain/text';
import type { TurnContext } from './context';
import { parseSlot } from './slots';
import type { Vars } from './template';

/** The choices of a yes/no question, in a dialog or not. */
export const YES_NO = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
] as const;

/** Says the message `name` as a yes/no question: Yes and No offered (read out with the content's choice wording on the phone). */
export function askYesNo(ctx: TurnContext, name: MessageName, vars: Vars = {}): void {
  const reply = ctx.message(name, vars);
  reply.choices = YES_NO.map((c) => ({ ...c }));
  ctx.push(reply);
  ctx.output.expecting = 'choice';
}

/** A short answer (three words at most, or keys) read as yes or no: true, false, or null for anything else. */
export function shortYesNo(ctx: TurnContext, text: string, digits: string): boolean | null {
  if (!digits && plainWords(text).split(' ').length > 3) return null;
  const answer = parseSlot('yesno', digits ? { digits } : { text }, { choices: [], patterns: ctx.patterns, now: ctx.now });
  return answer.ok ? answer.value === true : null;
}
