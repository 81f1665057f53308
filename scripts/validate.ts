/**
 * `npm run validate` — the full content check start-up runs too: every file
 * against its schema, every reference across files (names inside conditions
 * included), examples repeated across intents, text a caller cannot hear.
 * Prints file:line field: problem and exits non-zero when there is any;
 * warnings (an intent no conversation test exercises) are printed and do not
 * fail.
 *
 *   npm run validate              the project's content
 *   npm run validate -- ./other   another content folder
 */
import { resolve } from 'node:path';
import { checkContent, formatProblem } from '../bot/content/validate';
import { codeNames } from '../bot/compose';

const dir = resolve(process.argv[2] ?? resolve(__dirname, '..'));
const { problems, warnings } = checkContent(dir, codeNames.actions, codeNames.channels);
for (const p of problems) console.log(formatProblem(p));
for (const w of warnings) console.log(`warning: ${formatProblem(w)}`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const warned = warnings.length ? ` (${plural(warnings.length, 'warning')})` : '';
console.log(problems.length ? `\n${plural(problems.length, 'problem')} found${warned}.` : `Content is valid${warned}.`);
process.exit(problems.length ? 1 : 0);
