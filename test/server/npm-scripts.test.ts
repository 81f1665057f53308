/**
 * The npm scripts a user runs print no DEP0111 warning (restify 11 reads
 * process.binding('http_parser'); harmless, and alarming to a new user).
 * `npm run call` and `npm run chat` are run as typed, and checked for it, in
 * call-cli.test.ts and chat-cli.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../support/harness';
import { npmRun } from '../support/spawn';

const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const warning = /\[DEP0111\] DeprecationWarning/;

describe('npm scripts are quiet of DEP0111', () => {
  it('every script that starts node, tsx or jest silences it', () => {
    // Each command of a script (`a && b`): jest's workers inherit node's flags, so jest runs under node with the flag.
    const commands = Object.entries(scripts).flatMap(([name, script]) => script.split('&&').map((c) => [name, c.trim()] as const));
    const starts = commands.filter(([, command]) => /^(node|tsx|jest)(\s|$)/.test(command));
    expect(starts.length).toBeGreaterThan(5);
    const loud = starts.filter(([, command]) => !/^(node|tsx) --disable-warning=DEP0111 /.test(command)).map(([name]) => name);
    expect(loud).toEqual([]);
  });

  it('npm run validate prints no warning either', () => {
    const validate = npmRun('validate', [], { input: '', env: { ...process.env, NO_COLOR: '1' }, timeout: 90_000 });
    expect(validate.stdout).toContain('Content is valid');
    expect(validate.stderr).not.toMatch(warning);
  });
});
