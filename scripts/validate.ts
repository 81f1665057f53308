/**
 * `npm run validate` — checks the content a product owner edits: every file
 * against its schema, every reference across files, examples repeated across
 * intents, text a caller cannot hear. Prints file:line field: problem and
 * exits non-zero when there is any.
 *
 *   npm run validate              the project's content
 *   npm run validate -- ./other   another content folder
 */
import { resolve } from 'node:path';
import { EmbeddedBackOffice } from '../integrations/backoffice/embedded';
import { formatProblem, validateContent } from '../bot/content/validate';

const dir = resolve(process.argv[2] ?? resolve(__dirname, '..'));
const problems = validateContent(dir, EmbeddedBackOffice.actionNames);
for (const p of problems) console.log(formatProblem(p));
console.log(problems.length ? `\n${problems.length} problem${problems.length === 1 ? '' : 's'} found.` : 'Content is valid.');
process.exit(problems.length ? 1 : 0);
