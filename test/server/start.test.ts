/**
 * `npm start` as a user runs it: the real entry point in a child process.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deskAgent } from '../support/desk-agent';
import { root } from '../support/harness';
import { startBot, tsx } from '../support/spawn';

jest.setTimeout(90_000);

describe('npm start', () => {
  it('announces demo mode, listens on loopback, answers /healthz and lists the queues', async () => {
    const s = startBot({ env: { HOST: '' } });
    try {
      const url = await s.listening;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(s.out().stderr).toMatch(/\*\*\* DEMO MODE: .*demo sign-in.*GET \/api\/queues/);
      expect(s.out().stdout).toContain('"event":"DEMO_MODE"');
      const health = await fetch(`${url}healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      // The desk's demo agents, with passwords for this start only, printed for the person at the terminal
      // and never in the log (logs are shipped); the queues are theirs to see.
      await s.waitFor(/^ {2}ruth +\S+ /m, 'stderr');
      expect(s.out().stderr).toMatch(/\*\*\* Agent desk: http:\/\/127\.0\.0\.1:\d+\/agent/);
      const printed = /^ {2}ruth +(\S+) /m.exec(s.out().stderr)![1]!;
      await s.waitFor(/"event":"desk.demo_agents"/);
      expect(s.out().stdout).toContain('"id":"ruth"');
      expect(s.out().stdout).not.toContain(printed);
      expect(s.out().stdout).not.toMatch(/password/i);
      expect((await fetch(`${url}api/queues`)).status).toBe(401);
      const ruth = deskAgent(url.replace(/\/$/, ''));
      expect((await ruth.signIn('ruth', printed)).status).toBe(200);
      const queues = (await (await ruth.get('/api/queues')).json()) as { queues: { queue: string }[] };
      expect(queues.queues.map((q) => q.queue)).toEqual(expect.arrayContaining(['billing', 'retention', 'premium']));
      const missing = await fetch(`${url}nowhere`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      await s.stop();
    }
  });

  it('is one process: SIGTERM to its process group (Ctrl-C in a terminal, kill -- -PGID) shuts it down with exit 0', async () => {
    const s = startBot();
    try {
      await s.listening;
      // No launcher in front of the bot to race it for the signal (tsx's parent process used to exit 143).
      expect(execFileSync('pgrep', ['-g', String(s.pid)], { encoding: 'utf8' }).trim().split('\n')).toEqual([String(s.pid)]);
      s.signal('SIGTERM', 'group');
      expect(await s.exited).toBe(0);
      expect(s.out().stdout).toContain('"event":"shutdown.done"');
    } finally {
      await s.stop();
    }
  });

  it('started without --demo or FRONTLINE_MODE, is production and refuses to start half-configured', async () => {
    const s = startBot({ args: [join(root, 'bot', 'index.ts')], env: { FRONTLINE_MODE: '', DIRECTLINE_SECRET: 'x'.repeat(40), BOTFRAMEWORK_CHANNEL: 'off' } });
    expect(await s.exited).toBe(1);
    expect(s.out().stderr.trim()).toMatch(/^Frontline cannot start: CI_API_URL: required in production/);
    expect(s.out().stderr).not.toContain('DEMO MODE');
  });

  it('refuses to start with a broken content file, naming file, line and field in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-start-'));
    try {
      for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
      const file = join(dir, 'rules', 'routing.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('by_segment: { platinum: 80', 'by_segment: { platinum: high'));
      const s = startBot({ env: { CONTENT_DIR: dir } });
      expect(await s.exited).toBe(1);
      const lines = s.out().stderr.trim().split('\n').filter((l) => !l.includes('DEMO MODE'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Frontline cannot start: .*rules\/routing\.yaml:\d+ priority\.by_segment\.platinum: Expected number, received string$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong setting, naming the variable', async () => {
    const s = startBot({ command: tsx, env: { PORT: 'eighty' } });
    expect(await s.exited).toBe(1);
    expect(s.out().stderr).toMatch(/^Frontline cannot start: PORT: Expected number/);
  });

  it('refuses to start when Redis does not answer, in one line naming REDIS_URL without its password', async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const s = startBot({ env: { REDIS_URL: 'redis://:hunter2-in-the-url@127.0.0.1:1' } });
    expect(await s.exited).toBe(1);
    const { stdout, stderr } = s.out();
    const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('***') && !l.startsWith('  '));
    expect(lines).toEqual(['Frontline cannot start: Redis at REDIS_URL (redis://127.0.0.1:1) does not answer: start it, or mend the setting']);
    expect(stdout).toMatch(/"event":"store.unreachable"[^\n]*"error":"ECONNREFUSED"/);
    expect(stdout + stderr).not.toContain('hunter2');
  });
});
