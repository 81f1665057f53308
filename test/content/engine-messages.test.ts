/**
 * The engine says messages by name (typed: bot/domain/messages.ts); content
 * without one of them is refused at load with the file and line, instead of
 * a customer hearing nothing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineMessages } from '../../bot/domain/messages';
import { loadContent } from '../../bot/content/load';
import { root } from '../support/harness';
import { codeNames } from '../../bot/compose';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-messages-'));
  for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = () => loadContent(dir, codeNames);

it('the demo content has every message the engine says', () => {
  const messages = load().assistant.messages;
  expect(engineMessages.filter((m) => !(m in messages))).toEqual([]);
});

it('refuses content without a message the engine says, naming file, line and message', () => {
  const file = join(dir, 'rules', 'assistant.yaml');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/^ {2}left_flow:.*\n/m, ''));
  // The line where the messages begin (the first one, under `messages:`).
  const line = text.split('\n').findIndex((l) => l.startsWith('messages:')) + 2;
  expect(load).toThrow(`rules/assistant.yaml:${line} messages: message "left_flow" is missing`);
});
