/**
 * The messages the engine says by name; their wording lives in
 * rules/assistant.yaml `messages:`. `TurnContext.say` takes only these names,
 * so the compiler holds the engine to this list and the content check holds
 * assistant.yaml to it (a missing one is refused with file and line).
 */
export const engineMessages = [
  'welcome', 'welcome_known', 'not_understood', 'not_understood_handoff', 'clarify', 'anything_else', 'ask_phone', 'phone_not_found', 'phone_not_a_number',
  'ask_check', 'check_failed', 'verified', 'verification_handoff', 'handoff', 'handoff_wait', 'handoff_no_wait', 'handoff_unstaffed', 'in_queue', 'wait_cancelled',
  'wait_leave_question', 'wait_left', 'wait_kept',
  'follow_up_first', 'follow_up_more', 'follow_up_lost',
  'handoff_failed', 'error', 'reprompt', 'too_many_attempts', 'no_input', 'speech_unclear', 'what_now', 'what_else', 'goodbye', 'no_input_handoff',
  'clarify_vague', 'confirm_intent',
  // The no-match ladder: a short re-prompt, then one with examples (`_help`), then a person.
  'not_understood_help', 'reprompt_help', 'left_flow', 'dont_know_answer', 'dont_know_verification', 'confirm_declined', 'account_unavailable',
  // A person at the desk takes over, passes on, hands back or ends; then the one-question survey.
  'agent_joined', 'agent_transferred', 'back_to_bot', 'survey_question', 'survey_thanks', 'survey_retry', 'survey_lapsed',
] as const;

/** A message the engine may say. */
export type MessageName = (typeof engineMessages)[number];

/**
 * Lines the channels render with, by name (`Conversations.content().line`):
 * how choices are read out or written where nothing can be tapped, and what a
 * channel says when its own plumbing fails. Required in rules/assistant.yaml
 * like the engine's.
 */
export const channelMessages = ['choice_spoken', 'choices_written', 'list_or', 'channel_error', 'no_input_handoff'] as const;

/** A line a channel renders with. */
export type ChannelMessageName = (typeof channelMessages)[number];
