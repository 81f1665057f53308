/**
 * Who may sign in at the desk: the agents file, its scrypt hashes, the
 * command that writes them, and demo agents that exist in demo mode only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDirectory, AgentsFileError, hashPassword, readAgentsFile, verifyPassword } from '../../bot/desk/agents';
import { readConfig } from '../../bot/config';
import { root } from '../support/harness';
import { runScript } from '../support/spawn';

jest.setTimeout(60_000);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'frontline-agents-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const production = { DIRECTLINE_SECRET: 'x'.repeat(40), BOTFRAMEWORK_CHANNEL: 'off', CI_API_URL: 'https://ci.example.test/api' };

describe('passwords', () => {
  it('are kept as scrypt hashes that verify only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('anything', 'plain-text')).toBe(false);
  });
});

describe('the agents file', () => {
  it('demo mode gives hash-less demo agents a password for this start; production refuses them', () => {
    const file = join(root, 'integrations', 'demo', 'agents.yaml');
    const demo = AgentDirectory.load(file, true);
    expect(demo.demoPasswords.map((a) => a.id)).toEqual(['dana', 'marco', 'priya', 'leo', 'ruth']);
    expect(demo.find('dana')).toEqual({ id: 'dana', name: 'Dana', roles: ['agent'], queues: ['billing'] });
    expect(() => AgentDirectory.load(file, false)).toThrow(new AgentsFileError(`${file}: agent "dana" has no password_hash (run npm run agents -- add dana …); only demo mode makes up passwords`));
  });

  it('is the demo file in demo mode and nothing in production unless AGENTS_FILE is set', () => {
    expect(readConfig({}, root, 'demo').AGENTS_FILE).toBe(join(root, 'integrations', 'demo', 'agents.yaml'));
    expect(readConfig(production, root).AGENTS_FILE).toBe('');
    expect(readConfig({ ...production, AGENTS_FILE: 'ops/agents.yaml' }, root).AGENTS_FILE).toBe(join(root, 'ops', 'agents.yaml'));
  });

  it('names the file and field of a mistake, and a duplicated id', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'agents:\n  - id: Dana Smith\n    name: Dana\n');
    expect(() => readAgentsFile(file)).toThrow(`${file}: agents.0.id: lower-case letters, digits, . _ - (at most 64)`);
    writeFileSync(file, 'agents:\n  - { id: dana, name: Dana }\n  - { id: dana, name: Dana B }\n');
    expect(() => readAgentsFile(file)).toThrow(`${file}: agent id "dana" is listed twice`);
  });
});

describe('npm run agents', () => {
  const run = (args: string[], input = '') =>
    runScript('agents', args, { input, cwd: dir, env: { ...process.env, AGENTS_FILE: '' } });

  it('adds an agent with a hashed password read from standard input, and production can sign them in', async () => {
    const file = join(dir, 'agents.yaml');
    const added = run(['add', 'dana', '--name', 'Dana', '--queues', 'billing,customer_care', '--file', file], 'a long enough password\n');
    expect(added.stderr).toBe('');
    expect(added.stdout).toBe(`added dana (billing, customer_care) in ${file}\n`);
    expect(run(['add', 'sam', '--name', 'Sam', '--queues', 'billing', '--supervisor', '--file', file], 'another long password\n').status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('long enough');
    expect(run(['list', '--file', file]).stdout).toBe('dana\tDana\tagent\tbilling,customer_care\tpassword set\nsam\tSam\tagent,supervisor\tbilling\tpassword set\n');

    const agents = AgentDirectory.load(file, false);
    expect(await agents.check('dana', 'a long enough password')).toEqual({ id: 'dana', name: 'Dana', roles: ['agent'], queues: ['billing', 'customer_care'] });
    expect(await agents.check('dana', 'another long password')).toBeNull();
    expect(await agents.check('nobody', 'a long enough password')).toBeNull();
    expect(agents.demoPasswords).toEqual([]);
  });

  it('refuses a short password and says how to call it', () => {
    const file = join(dir, 'short.yaml');
    const short = run(['add', 'leo', '--name', 'Leo', '--file', file], 'short\n');
    expect(short.status).toBe(1);
    expect(short.stderr).toBe('the password needs at least 10 characters\n');
    expect(run(['add']).stderr).toMatch(/^usage: npm run agents -- add <id>/);
  });
});
