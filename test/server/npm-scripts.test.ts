/**
 * The npm scripts a user runs print no DEP0111 warning (restify 11 reads
 * process.binding('http_parser'); harmless, and alarming to a new user).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../support/harness';

const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const warning = /\[DEP0111\] DeprecationWarning/;

const npmRun = (script: string, args: string[], input: string) =>
  spawnSync('npm', ['run', '--silent', script, '--', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DEMO_FIXED_DATES: 'true' },
    timeout: 90_000,
  });

describe('npm scripts are quiet of DEP0111', () => {
  it('every script that starts node, tsx or jest silences it', () => {
    // Each command of a script (`a && b`): jest's workers inherit node's flags, so jest runs under node with the flag.
    const commands = Object.entries(scripts).flatMap(([name, script]) => script.split('&&').map((c) => [name, c.trim()] as const));
    const starts = commands.filter(([, command]) => /^(node|tsx|jest)(\s|$)/.test(command));
    expect(starts.length).toBeGreaterThan(5);
    const loud = starts.filter(([, command]) => !/^(node|tsx) --disable-warning=DEP0111 /.test(command)).map(([name]) => name);
    expect(loud).toEqual([]);
  });

  it('npm run call serves a call without the warning', () => {
    const { stdout, stderr, status } = npmRun('call', [], 'hello\n');
    expect(status).toBe(0);
    expect(stdout).toContain('Hello! How can I help you today?');
    expect(stderr).not.toMatch(warning);
  });

  it('npm run chat and npm run validate print no warning either', () => {
    const chat = npmRun('chat', ['--as', 'C1003'], 'what is my balance\n');
    expect(chat.stdout).toContain('Your balance is $80.00');
    expect(chat.stderr).not.toMatch(warning);
    const validate = npmRun('validate', [], '');
    expect(validate.stdout).toContain('Content is valid');
    expect(validate.stderr).not.toMatch(warning);
  });
});
