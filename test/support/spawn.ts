/**
 * The bot started as a user starts it, in a child process: as `npm start`
 * runs it (`node --require tsx/cjs bot/index.ts --demo`: one process), or
 * any other command. It runs in a process group of its own so a test ends
 * it and everything it started.
 */
import { spawn, spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { root } from './harness';

export const tsx = join(root, 'node_modules', '.bin', 'tsx');
/**
 * What `npm start` puts before the entry point: restify 11's harmless DEP0111 warning silenced, and
 * tsx's CommonJS hook (resolved here, so any working directory works).
 */
const tsxHook = ['--disable-warning=DEP0111', '--require', require.resolve('tsx/cjs', { paths: [root] })];

/**
 * The command line that runs `scripts/<name>.ts` in one node process with tsx's hook, as `npm start`
 * runs the bot. Its npm script (`tsx scripts/<name>.ts`) costs two processes more, npm's and the tsx
 * CLI's: seconds a run on two cores. Each `npm run` command is run once as typed (call-cli, chat-cli,
 * npm-scripts tests); the other tests run the script this way.
 */
export function scriptCommand(name: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, [...tsxHook, join(root, 'scripts', `${name}.ts`), ...args]];
}

/** Runs `scripts/<name>.ts` to its end (see {@link scriptCommand}); cwd is the project unless given. */
export function runScript(name: string, args: readonly string[], opts: Omit<SpawnSyncOptionsWithStringEncoding, 'encoding'> = {}): SpawnSyncReturns<string> {
  const [command, argv] = scriptCommand(name, args);
  return spawnSync(command, argv, { cwd: root, ...opts, encoding: 'utf8' });
}

/** `npm run --silent <script> -- args` as a user types it. */
export function npmRun(script: string, args: readonly string[], opts: Omit<SpawnSyncOptionsWithStringEncoding, 'encoding'> = {}): SpawnSyncReturns<string> {
  return spawnSync('npm', ['run', '--silent', script, '--', ...args], { cwd: root, ...opts, encoding: 'utf8' });
}

export interface StartedBot {
  /** The child's pid, which leads its process group (kill -9 the group with `process.kill(-pid, 'SIGKILL')`). */
  pid: number;
  /** The URL the bot logged once listening (rejects if it exits first). */
  listening: Promise<string>;
  exited: Promise<number | null>;
  out(): { stdout: string; stderr: string };
  /** Resolves when `pattern` appears in stdout (the log), or in stderr (what a person reads). */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  stop(): Promise<void>;
  /**
   * Sends `signal` without waiting: to the process group (as a terminal's Ctrl-C does), or to the
   * started process alone (as a container runtime or orchestrator stops its main process).
   */
  signal(signal: NodeJS.Signals, to?: 'group' | 'process'): void;
}

/** Starts `command args`; without a command, node with tsx's hook runs `args` (default: the entry point with `--demo`, as `npm start` runs it). */
export function startBot(
  opts: { env?: Record<string, string>; unset?: string[]; cwd?: string; command?: string; args?: string[] } = {},
): StartedBot {
  // REDIS_URL is not inherited (.ci/run exports one for the store suites): a bot runs on SQLite under its
  // DATA_DIR, as on a bare machine, unless the test gives it Redis. Inherited, the "SQLite" bots shared
  // Redis's default prefix across runs and read each other's waiting customers.
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: '', PORT: '0', LOG_LEVEL: 'info', ...opts.env };
  for (const name of opts.unset ?? []) delete env[name];
  const args = opts.args ?? [join(root, 'bot', 'index.ts'), '--demo'];
  const child = spawn(opts.command ?? process.execPath, opts.command ? args : [...tsxHook, ...args], {
    cwd: opts.cwd ?? root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; stream: 'stdout' | 'stderr'; resolve: () => void }[] = [];
  const wake = () => {
    for (const w of [...waiters]) if (w.pattern.test(w.stream === 'stdout' ? stdout : stderr)) waiters.splice(waiters.indexOf(w), 1) && w.resolve();
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    wake();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(stream === 'stdout' ? stdout : stderr)) return resolve();
      waiters.push({ pattern, stream, resolve });
      void exited.then(() => reject(new Error(`exited before ${pattern}: ${stderr}`)));
    });
  const listening = waitFor(/"event":"listening"/).then(() => /"event":"listening","url":"([^"]+)"/.exec(stdout)![1]!);
  listening.catch(() => undefined);
  return {
    pid: child.pid!,
    listening,
    exited,
    out: () => ({ stdout, stderr }),
    waitFor,
    signal(signal, to = 'group') {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(to === 'group' ? -child.pid : child.pid, signal);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}
