/**
 * Structured logs on pino: one JSON line per event on stdout, shaped
 * `{"level":"info","time":"…","reqId":"…","event":"…", …fields}`. Callers
 * pass ids and names, never message text or profile data (see README,
 * Privacy); the logger holds to that even when a caller slips: an Error is
 * logged by its name only, and fields that would carry a customer's words or
 * profile are replaced by "[redacted]".
 *
 * Every line written while an HTTP request is handled carries that request's
 * id (`reqId`, see `withRequestId`), so a turn's lines — the access line, the
 * engine's turn and handoff lines — can be read together.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** Field names that would carry what a customer said or who they are: never logged, whoever passes them. */
export const REDACTED_FIELDS = [
  'text', 'message', 'msg', 'utterance', 'speech', 'SpeechResult', 'Digits', 'transcript', 'body',
  'profile', 'customer', 'name', 'phone', 'email', 'address', 'from', 'From', 'to', 'To', 'Caller',
] as const;

const requests = new AsyncLocalStorage<{ reqId: string }>();

/** Runs `fn` (and everything it starts) with `reqId` on every log line it writes. */
export function withRequestId<T>(reqId: string, fn: () => T): T {
  return requests.run({ reqId }, fn);
}

/** The request id in force here, if any. */
export function currentRequestId(): string | undefined {
  return requests.getStore()?.reqId;
}

const redacted = new Set<string>(REDACTED_FIELDS);

/**
 * The line's object: an Error is its name (its message may quote customer data), and a field named in
 * REDACTED_FIELDS is "[redacted]" (done here, not by pino's `redact`, which cost more than the rest of a line).
 */
function safe(event: string, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { event };
  for (const k in fields) {
    const v = fields[k];
    out[k] = redacted.has(k) && v !== undefined ? '[redacted]' : v instanceof Error ? v.name : v;
  }
  return out;
}

/**
 * A logger at `level` writing to stdout, or to `write` (one JSON line per
 * call, without the newline) — tests and tools capture lines that way.
 * `base` goes on every line (a worker process's `pid`, WORKERS > 1).
 */
export function createLogger(level: Level | 'silent' = 'info', write?: (line: string) => void, base?: Record<string, string | number>): Logger {
  const destination = write
    ? { write: (s: string) => write(s.endsWith('\n') ? s.slice(0, -1) : s) }
    : pino.destination({ fd: 1, sync: true });
  const p = pino(
    {
      level,
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
    },
    destination,
  );
  const emit = (lvl: Level) => (event: string, fields: Record<string, unknown> = {}) => {
    if (p.isLevelEnabled(lvl)) p[lvl](safe(event, fields));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createLogger('silent');

/**
 * The pino logger a library is handed (restify's `log`): it passes on the
 * library's own message as an event name and drops every object the library
 * attaches — restify logs an async handler's returned value whole, which may
 * be a request with its `Authorization` header.
 */
export function libraryLogger(name: string, log: Logger): pino.Logger {
  return pino(
    {
      level: 'warn',
      hooks: {
        logMethod(args: unknown[], _method, level) {
          const note = args.find((a): a is string => typeof a === 'string') ?? 'message';
          log[level >= 50 ? 'error' : 'warn'](`${name}.log`, { note: note.slice(0, 120) });
        },
      },
    },
    { write: () => undefined },
  );
}
