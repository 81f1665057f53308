/**
 * The one satisfaction question after an agent ends a contact: "5", "five",
 * "5/5", "4 stars" or a pressed 4 is a score; an answer it cannot read is
 * asked once more, then the question lapses politely. A survey answer is
 * never a misunderstanding; only a plain request (a person, another topic)
 * leaves the survey and is served as usual.
 */
import type { Content } from '../content/load';
import { plainWords } from '../domain/text';
import type { TurnContext } from './context';
import { isEscape, leaving, otherRequest } from './interrupt';

/** The longest message still read as an answer to the survey ("I'd give you a 4 out of 5 today"). */
const MAX_ANSWER_WORDS = 10;

/**
 * A score from 1 to 5 in a short answer ("4", "4/5", "five", "4 stars",
 * "I'd say a 4 out of 5"), or null: no score, two different ones, or other
 * numbers in it. Score words come from `survey.score_words` in the content.
 */
export function surveyScore(content: Content, text: string): number | null {
  // "4/5", "4 out of 5", "4 of five": the scale is not a second score.
  const scale = Object.entries(content.assistant.survey.score_words).find(([, n]) => n === 5)?.[0];
  const outOf = new RegExp(`\\b(\\w+)\\s*(?:/|out of|of)\\s*(?:5${scale ? `|${scale}` : ''})\\b`, 'gi');
  const said = plainWords(text.replace(outOf, '$1'));
  if (!said || said.split(' ').length > MAX_ANSWER_WORDS) return null;
  const words = content.assistant.survey.score_words;
  const scores = new Set<number>();
  for (const w of said.split(' ')) {
    if (/\d/.test(w)) {
      if (!/^[1-5]$/.test(w)) return null;
      scores.add(Number(w));
    } else if (words[w] !== undefined) scores.add(words[w]);
  }
  return scores.size === 1 ? [...scores][0]! : null;
}

/**
 * The message after the satisfaction question. A score is recorded and
 * thanked for; a request for a person or another clear request drops the
 * question and is served as usual (false); anything else is asked once more,
 * then the survey lapses with thanks (nothing recorded). True when the
 * message was the survey's.
 */
export async function answerSurvey(ctx: TurnContext): Promise<boolean> {
  const { state, input, content } = ctx;
  const survey = state.survey;
  if (!survey) return false;
  const text = input.text?.trim() ?? '';
  const digits = input.digits?.trim() ?? '';
  if (!text && !digits) return false;
  const score = surveyScore(content, text || digits);
  if (score === null && (isEscape(ctx.brain, text, digits) || otherRequest(ctx.brain, text, null, true))) {
    state.survey = null;
    return false;
  }
  if (score !== null) {
    state.survey = null;
    try {
      await ctx.services.contacts?.rate?.(survey.contactId, score, ctx.now.toISOString());
    } catch (err) {
      ctx.services.log.error('survey.record_failed', { conversationId: state.conversationId, error: (err as Error).name });
    }
    ctx.services.log.info('survey.answered', { conversationId: state.conversationId, score });
    ctx.say('survey_thanks');
    return true;
  }
  // "never mind", or asked once more already: the question lapses, and the bot carries on.
  if (leaving(content, text) || (survey.reasked ?? 0) >= content.assistant.survey.retries) {
    state.survey = null;
    ctx.services.log.info('survey.lapsed', { conversationId: state.conversationId });
    ctx.say('survey_lapsed');
    return true;
  }
  survey.reasked = (survey.reasked ?? 0) + 1;
  ctx.say('survey_retry');
  return true;
}
