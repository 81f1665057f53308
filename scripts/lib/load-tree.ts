/**
 * The bot under `npm run bench:load -- --workers N`: started as `npm start`
 * runs it (`node --require tsx/cjs bot/index.ts`) with WORKERS=N and the
 * bench's settings, a process tree (the primary, its workers, tsx's esbuild
 * service). Its memory and CPU are read from /proc and summed over the tree:
 * VmRSS of every process, utime+stime of every process plus what the
 * primary's exited children used (cutime+cstime).
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEnv } from './load-bot';

const root = join(__dirname, '..', '..');

export interface TreeBot {
  url: string;
  /** The primary's pid. */
  pid: number;
  /** Summed VmRSS of the tree now, in bytes. */
  rss(): number;
  /** CPU time the tree used since it started, in ms (exited workers included). */
  cpuMs(): number;
  /** CPU time of the primary alone (accepting connections, relaying the bus), in ms. */
  primaryCpuMs(): number;
  close(): Promise<void>;
}

/** Starts the tree and resolves once every worker logged `listening`. */
export async function startTreeBot(options: { workers: number; redis: string | null; dataDir: string | null; env?: Record<string, string> }): Promise<TreeBot> {
  const tempDir = options.redis || options.dataDir ? null : mkdtempSync(join(tmpdir(), 'frontline-bench-'));
  const env = { ...process.env, REDIS_URL: '', ...benchEnv({ redis: options.redis, dataDir: options.dataDir ?? tempDir ?? '' }), ...options.env, WORKERS: String(options.workers), LOG_LEVEL: 'info', HOST: '127.0.0.1' };
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--require', require.resolve('tsx/cjs', { paths: [root] }), join(root, 'bot', 'index.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The log is read until every worker listens, then drained unread (a full pipe would stall the workers).
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let listening = 0;
    let found = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const m = /"event":"listening","url":"([^"]+)"/.exec(line);
        if (!m) continue;
        found = m[1]!.replace(/\/+$/, '');
        if (++listening === options.workers) {
          child.stdout.off('data', onData);
          child.stdout.resume();
          resolve(found);
        }
      }
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`the bot exited (${code}) before listening: ${stderr.trim().split('\n').at(-1) ?? ''}`)));
  });
  const pid = child.pid!;
  const tick = clockTick();
  return {
    url,
    pid,
    rss: () => treeOf(pid).reduce((sum, p) => sum + rssOf(p), 0),
    cpuMs: () => {
      const ticks = treeOf(pid).reduce((sum, p) => {
        const t = timesOf(p);
        return sum + t.utime + t.stime + (p === pid ? t.cutime + t.cstime : 0);
      }, 0);
      return (ticks * 1000) / tick;
    },
    primaryCpuMs: () => {
      const t = timesOf(pid);
      return ((t.utime + t.stime) * 1000) / tick;
    },
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`the bot's shutdown exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    },
  };
}

/** `pid` and every process under it. */
function treeOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const ppid = Number(stat[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** The fields of /proc/<pid>/stat after the command's closing parenthesis (state first), or null when it is gone. */
function readStat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime, stime, cutime, cstime in clock ticks (stat fields 14-17). */
function timesOf(pid: number): { utime: number; stime: number; cutime: number; cstime: number } {
  const f = readStat(pid);
  if (!f) return { utime: 0, stime: 0, cutime: 0, cstime: 0 };
  return { utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
}

function rssOf(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks a second (USER_HZ; 100 on Linux almost everywhere). */
function clockTick(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
