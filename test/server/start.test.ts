/**
 * `npm start` as a user runs it: the real entry point in a child process.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../support/harness';

const tsx = join(root, 'node_modules', '.bin', 'tsx');

function start(env: Record<string, string>) {
  const child = spawn(tsx, [join(root, 'bot', 'index.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening after 10 s: ${stderr}`)), 10_000);
    child.stdout.on('data', () => {
      const m = /"url":"([^"]+)"/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error('exited'));
    });
  });
  listening.catch(() => undefined);
  return { child, listening, exited, out: () => ({ stdout, stderr }) };
}

describe('npm start', () => {
  it('answers /healthz within 10 seconds and lists the queues', async () => {
    const s = start({});
    try {
      const url = await s.listening;
      const health = await fetch(`${url}healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      const queues = (await (await fetch(`${url}api/queues`)).json()) as { queues: { queue: string }[] };
      expect(queues.queues.map((q) => q.queue)).toEqual(expect.arrayContaining(['billing', 'retention', 'premium']));
      const missing = await fetch(`${url}nowhere`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      s.child.kill();
      await s.exited;
    }
  });

  it('refuses to start with a broken content file, naming file, line and field in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-start-'));
    try {
      for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
      const file = join(dir, 'rules', 'routing.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('by_segment: { platinum: 80', 'by_segment: { platinum: high'));
      const s = start({ CONTENT_DIR: dir });
      expect(await s.exited).toBe(1);
      const lines = s.out().stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Frontline cannot start: .*rules\/routing\.yaml:\d+ priority\.by_segment\.platinum: Expected number, received string$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong setting, naming the variable', async () => {
    const s = start({ PORT: 'eighty' });
    expect(await s.exited).toBe(1);
    expect(s.out().stderr).toMatch(/^Frontline cannot start: PORT: Expected number/);
  });
});
