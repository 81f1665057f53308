/**
 * Which topic a request for a person names (bot/engine/escape-topic.ts), on
 * the demo content and model: a topic the classifier is sure of after
 * "about" or a comma; nothing for a plain request for a person, for words
 * the escape's own examples use, or for words several queues share. The
 * routing that follows is tested through Direct Line in
 * test/conversations/agent_request_*.yaml.
 */
import { topicNamedWithEscape } from '../../bot/engine/escape-topic';
import { demoBrain } from '../support/harness';

const named = (text: string) => topicNamedWithEscape(demoBrain(), text)?.intent ?? null;

it.each([
  ['I want to talk to a person about my bill', 'billing_dispute'],
  ['talk to someone about my order', 'track_order'],
  ['can I speak to an agent about my internet being down', 'outage_status'],
  ['get me a human, I want to cancel', 'cancel_service'],
  // As a caller says it: no comma, the request straight after the words for a person.
  ['get me a human I want to cancel', 'cancel_service'],
  ['I need to speak to an agent my internet is down', 'outage_status'],
  ['I want to speak to a human about my payment', 'make_payment'],
])('"%s" names %s', (text, intent) => {
  expect(named(text)).toBe(intent);
});

it.each([
  'I want to talk to a person',
  'get me a human',
  'get me a human please',
  'let me talk to a real person right now',
  // "My account" is many requests in many queues: no one topic.
  'I want to talk to a person about my account',
])('"%s" names no topic', (text) => {
  expect(named(text)).toBeNull();
});

it("names no topic in any of the escape intent's own examples", () => {
  const brain = demoBrain();
  const examples = brain.content.intents.get(brain.content.assistant.escape.intent)!.examples;
  expect(examples.filter((e) => named(e) !== null)).toEqual([]);
});
