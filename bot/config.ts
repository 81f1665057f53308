/**
 * Settings, read once from the environment at start-up and validated with
 * zod. Every variable is listed in .env.example with a one-line comment.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.string().url('must be a URL such as https://ci.example.com/api').optional());

const schema = z.object({
  /** demo: the conveniences of a local demo (see readConfig); production: safe defaults, nothing half-configured. */
  FRONTLINE_MODE: z.enum(['demo', 'production', '']).optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  /** Loopback unless told otherwise: a demo is not reachable from the network by accident. */
  HOST: z.string().trim().transform((v) => v || '127.0.0.1').default('127.0.0.1'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Processes serving PORT together (node:cluster): a number, or auto (one per CPU); several need DATA_DIR or REDIS_URL. */
  WORKERS: z
    .string()
    .trim()
    .default('1')
    .transform((v) => (v === 'auto' ? availableParallelism() : v === '' ? 1 : Number(v)))
    .pipe(z.number({ invalid_type_error: 'a number or auto' }).int('a whole number or auto').min(1).max(64)),
  CONTENT_DIR: z.string().default('.'),
  CUSTOMERS_FILE: z.string().default('integrations/demo/customers.yaml'),
  OUTAGES_FILE: z.string().default('integrations/demo/outages.yaml'),
  STORES_FILE: z.string().default('integrations/demo/stores.yaml'),
  /** Keep demo dates as written instead of moving them to today. */
  DEMO_FIXED_DATES: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((v) => v === 'true'),
  CI_API_URL: optionalUrl.optional(),
  CI_API_KEY: z.string().optional(),
  /** Capped: a customer's turn (the chat welcome, a call's answer) waits for the lookup. */
  CI_API_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .max(5000, 'at most 5000: every turn that looks a customer up waits this long for a CI system that is down')
    .default(2000),
  /** While the CI API fails, a profile found this recently is served as it was; 0 = never. */
  CI_STALE_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(15),
  /** Most CI lookups kept in memory (fresh, and for serving stale). */
  CI_CACHE_MAX: z.coerce.number().int().min(1).default(1000),
  STATE_TTL_MINUTES: z.coerce.number().int().positive().default(60),
  /** Days an ended or abandoned desk contact (its card, notes and lines) is kept; waiting and held ones stay. */
  CONTACT_RETENTION_DAYS: z.coerce.number().int().positive().max(3650).default(30),
  /** Folder of the embedded SQLite store; empty keeps everything in memory (lost on restart). */
  DATA_DIR: z.string().trim().default('data'),
  /** Where the trained intent model is kept between starts; default DATA_DIR/models, none when both are empty. */
  MODEL_CACHE_DIR: z.string().trim().optional(),
  /** Redis shared by several instances; when set it is the store and DATA_DIR is not used. */
  REDIS_URL: optionalUrl.optional(),
  /** Starts every Redis key and bus channel: deployments (or test runs) sharing one Redis stay apart. */
  REDIS_PREFIX: z.string().trim().min(1).default('frontline:'),
  /** on: editing intents/, dialogs/ or rules/ retrains and swaps the content while the bot runs. */
  CONTENT_RELOAD: z.enum(['on', 'off']).default('on'),
  /** The longest message a turn sees, in characters, on every channel; longer ones are cut at the edge. */
  MESSAGE_MAX_CHARS: z.coerce.number().int().min(100).max(10_000).default(1000),
  /** Messages one conversation (one number, on SMS) may send at once, then MESSAGE_RATE_PER_MINUTE; more get 429 (no answer on SMS). */
  MESSAGE_RATE_BURST: z.coerce.number().int().min(1).default(20),
  MESSAGE_RATE_PER_MINUTE: z.coerce.number().positive().default(30),
  DIRECTLINE_SECRET: z.string().optional(),
  DIRECTLINE_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(1800),
  /** The largest Direct Line activity accepted, in bytes (413 above it); request bodies stop at 64 KB anyway. */
  DIRECTLINE_MAX_ACTIVITY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024, 'at most 65536: request bodies stop at 64 KB').default(64 * 1024),
  /** A web chat customer waiting for a person whose page is gone (no stream, poll or message) this long has left: abandoned, out of the queue. */
  WEBCHAT_ABANDON_MINUTES: z.coerce.number().positive().default(5),
  /** Web chat tokens (chats) one client address may get at once, then per minute, on all instances together; more get 429. */
  WEBCHAT_TOKENS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /**
   * How long an open web chat stream counts as "here" in the store unless its instance renews it (every third of
   * it): a customer whose instance was killed counts as gone from then. Shorter: found sooner, more store writes.
   */
  WEBCHAT_STREAM_LEASE_SECONDS: z.coerce.number().int().min(15).max(600).default(45),
  /** The bot's typing indicator shows once an answer has kept the customer waiting this long (0: before every answer). */
  WEBCHAT_TYPING_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(500),
  /** Direct Line conversations cached in this process; the store keeps every history (idle ones expire with STATE_TTL_MINUTES). */
  DIRECTLINE_MAX_CONVERSATIONS: z.coerce.number().int().min(1).default(5000),
  /** Let web chat visitors pick a demo customer; default on in demo mode, refused in production. */
  DEMO_SIGN_IN: z.enum(['true', 'false', '']).optional(),
  BOTFRAMEWORK_CHANNEL: z.enum(['on', 'off']).default('on'),
  /** GET /api/queues lists waiting contacts with their summaries (personal data) to signed-in agents: default on in demo mode, off in production, where on needs AGENTS_FILE. */
  QUEUES_API: z.enum(['on', 'off', '']).optional(),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().default(''),
  /** The public https base URL Twilio calls; signatures are checked against it. */
  PUBLIC_URL: optionalUrl.optional(),
  TWILIO_AUTH_TOKEN: z.string().default(''),
  /** off skips the signature check: local use only, refused in production. */
  TWILIO_SIGNATURE_CHECK: z.enum(['on', 'off']).default('on'),
  TWILIO_ACCOUNT_SID: z.string().default(''),
  TWILIO_WORKSPACE_SID: z.string().default(''),
  TWILIO_WORKFLOW_SID: z.string().default(''),
  TWILIO_TASK_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(600),
  /** How long a Twilio API request (a chat's TaskRouter task, a text message) may take; a chat's handoff waits for it. */
  TWILIO_API_TIMEOUT_MS: z.coerce.number().int().min(500).max(10_000).default(5000),
  TWILIO_SMS_FROM: z.string().default(''),
  VOICE_AGENT_NUMBER: z.string().default(''),
  VOICE_DEADLINE_MS: z.coerce.number().int().min(500).max(12_000).default(4000),
  VOICE_TTS_VOICE: z.string().default(''),
  /** The agents who may sign in at /agent (YAML or JSON, outside the content); empty: the demo agents in demo mode, no desk in production. */
  AGENTS_FILE: z.string().trim().default(''),
  DESK_OFFER_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Proxies in front of the bot whose X-Forwarded-For is believed for the client's address (0: none, the header is ignored). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Every handoff is also POSTed here as signed JSON (with HANDOFF_WEBHOOK_SECRET), from a durable outbox. */
  HANDOFF_WEBHOOK_URL: optionalUrl.optional(),
  HANDOFF_WEBHOOK_SECRET: z.string().default(''),
  HANDOFF_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
});

/** TaskRouter for calls and chats alike: on when any of its four settings is set, and then all are needed. */
export interface TaskRouterSettings {
  accountSid: string;
  authToken: string;
  workspaceSid: string;
  workflowSid: string;
  timeoutSeconds: number;
  /** Give up on a TaskRouter request after this long (TWILIO_API_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

/** The signed handoff webhook; null = none (both settings or neither). */
export interface HandoffWebhookSettings {
  url: string;
  secret: string;
  timeoutMs: number;
}

/** Text messages through Twilio's Messages API; null = none can be sent (the demo keeps them in an outbox). */
export interface SmsSettings {
  accountSid: string;
  authToken: string;
  from: string;
  /** Give up on a Messages API request after this long (TWILIO_API_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

export type Mode = 'demo' | 'production';
export type Config = Readonly<Omit<z.infer<typeof schema>, 'FRONTLINE_MODE'>> & {
  readonly root: string;
  readonly FRONTLINE_MODE: Mode;
  readonly taskRouter: TaskRouterSettings | null;
  readonly sms: SmsSettings | null;
  readonly handoffWebhook: HandoffWebhookSettings | null;
};

/** A setting is wrong: the message says which variable and why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The settings from `env`. The mode is `FRONTLINE_MODE`; when it is unset,
 * `NODE_ENV=production` means production, else `defaultMode` (what `npm start`
 * passes with `--demo`), else production: nothing is open unless asked for.
 *
 * Demo mode alone allows the demo conveniences: demo sign-in, GET /api/queues,
 * Bot Framework without credentials, a made-up Direct Line secret (kept in the store) and the
 * demo customers file. Production refuses to start half-configured.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd(), defaultMode?: Mode): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.')}: ${issue.message} (see .env.example)`);
  }
  const c = result.data;
  const mode: Mode = c.FRONTLINE_MODE || (c.NODE_ENV === 'production' ? 'production' : (defaultMode ?? 'production'));
  const production = mode === 'production';
  if (c.WORKERS > 1 && !c.REDIS_URL && !c.DATA_DIR)
    throw new ConfigError(`WORKERS: ${c.WORKERS} processes cannot share the memory store (DATA_DIR is empty): set DATA_DIR (SQLite) or REDIS_URL, or WORKERS=1`);
  // Every refusal at once: an operator fixes the settings in one go, not one restart at a time.
  const refused = production ? productionProblems(c) : [];
  if (refused.length) throw new ConfigError(refused.length === 1 ? refused[0]! : `${refused.length} settings refused in production:\n- ${refused.join('\n- ')}`);
  const at = (p: string) => resolve(root, p);
  const demoDefault = (v: string | undefined, on: string) => (v === on || ((v ?? '') === '' && !production) ? on : 'off');
  return Object.freeze({
    ...c,
    FRONTLINE_MODE: mode,
    root,
    taskRouter: switchedOn('TaskRouter', c, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_WORKSPACE_SID', 'TWILIO_WORKFLOW_SID'], ['TWILIO_WORKSPACE_SID', 'TWILIO_WORKFLOW_SID'])
      ? {
          accountSid: c.TWILIO_ACCOUNT_SID,
          authToken: c.TWILIO_AUTH_TOKEN,
          workspaceSid: c.TWILIO_WORKSPACE_SID,
          workflowSid: c.TWILIO_WORKFLOW_SID,
          timeoutSeconds: c.TWILIO_TASK_TIMEOUT_SECONDS,
          requestTimeoutMs: c.TWILIO_API_TIMEOUT_MS,
        }
      : null,
    sms: switchedOn('Text messages', c, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_SMS_FROM'], ['TWILIO_SMS_FROM'])
      ? { accountSid: c.TWILIO_ACCOUNT_SID, authToken: c.TWILIO_AUTH_TOKEN, from: c.TWILIO_SMS_FROM, requestTimeoutMs: c.TWILIO_API_TIMEOUT_MS }
      : null,
    handoffWebhook: handoffWebhook(c, production),
    CONTENT_DIR: at(c.CONTENT_DIR),
    CUSTOMERS_FILE: at(c.CUSTOMERS_FILE),
    OUTAGES_FILE: at(c.OUTAGES_FILE),
    STORES_FILE: at(c.STORES_FILE),
    AGENTS_FILE: c.AGENTS_FILE ? at(c.AGENTS_FILE) : production ? '' : at('integrations/demo/agents.yaml'),
    DATA_DIR: c.DATA_DIR && at(c.DATA_DIR),
    MODEL_CACHE_DIR: c.MODEL_CACHE_DIR !== undefined ? c.MODEL_CACHE_DIR && at(c.MODEL_CACHE_DIR) : c.DATA_DIR && join(at(c.DATA_DIR), 'models'),
    DEMO_SIGN_IN: demoDefault(c.DEMO_SIGN_IN, 'true') === 'true' ? 'true' : 'false',
    QUEUES_API: demoDefault(c.QUEUES_API, 'on') === 'on' ? 'on' : 'off',
  });
}

/** What production refuses: half-configured settings and demo conveniences (README, Configuration). */
function productionProblems(c: z.infer<typeof schema>): string[] {
  const demoOnly = '(a demo convenience: set FRONTLINE_MODE=demo for a local demo)';
  const problems: string[] = [];
  const refuse = (when: unknown, problem: string) => void (when && problems.push(problem));
  const botFramework = c.BOTFRAMEWORK_CHANNEL === 'on';
  refuse(
    botFramework && !c.MicrosoftAppId,
    'MicrosoftAppId: required in production, or /api/messages would accept anyone (set BOTFRAMEWORK_CHANNEL=off if you do not use Azure Bot Service)',
  );
  refuse(
    botFramework && !c.MicrosoftAppPassword && c.MicrosoftAppType !== 'UserAssignedMSI',
    'MicrosoftAppPassword: required in production with MicrosoftAppId, or replies cannot be sent',
  );
  refuse(c.TWILIO_SIGNATURE_CHECK === 'off', 'TWILIO_SIGNATURE_CHECK: off is for local use only and refused in production');
  refuse(!c.DIRECTLINE_SECRET || c.DIRECTLINE_SECRET.length < 32, 'DIRECTLINE_SECRET: required in production, at least 32 characters (see .env.example)');
  refuse(!c.CI_API_URL, 'CI_API_URL: required in production, or the demo customers in CUSTOMERS_FILE would answer for your real customers');
  // The phone channel checks every webhook's signature with both: one alone answers 403 to every call.
  refuse(c.PUBLIC_URL && !c.TWILIO_AUTH_TOKEN, 'TWILIO_AUTH_TOKEN: required with PUBLIC_URL, or every call and text would be refused (403)');
  const tokenUsedElsewhere = Boolean(c.TWILIO_WORKSPACE_SID || c.TWILIO_SMS_FROM);
  refuse(
    c.TWILIO_AUTH_TOKEN && !c.PUBLIC_URL && !tokenUsedElsewhere,
    'PUBLIC_URL: required with TWILIO_AUTH_TOKEN (the URL Twilio calls, for signature checks), or every call would be refused (403)',
  );
  refuse(c.DEMO_SIGN_IN === 'true', `DEMO_SIGN_IN: true is refused in production ${demoOnly}`);
  // The list is the desk's, for signed-in agents: without a desk (AGENTS_FILE) nobody could sign in to read it.
  refuse(
    c.QUEUES_API === 'on' && !c.AGENTS_FILE,
    'QUEUES_API: on needs the agent desk in production: set AGENTS_FILE (GET /api/queues answers signed-in agents only)',
  );
  return problems;
}

/**
 * Where a tool that keeps no state of its own (`npm run chat`, `call`) finds the model
 * `npm start` kept: MODEL_CACHE_DIR, else DATA_DIR/models, as readConfig would say.
 */
export function keptModels(env: Record<string, string | undefined> = process.env): string {
  if (env.MODEL_CACHE_DIR !== undefined) return env.MODEL_CACHE_DIR;
  const data = env.DATA_DIR ?? 'data';
  return data.trim() ? join(data.trim(), 'models') : '';
}

/**
 * Whether a feature is on: any of `switches` set turns it on, and then every
 * one of `needs` is required. A partial set is a ConfigError naming what is
 * missing, never a silent "off".
 */
function switchedOn<T extends Record<string, unknown>>(feature: string, c: T, needs: (keyof T & string)[], switches: (keyof T & string)[]): boolean {
  if (!switches.some((k) => c[k])) return false;
  const missing = needs.filter((k) => !c[k]);
  if (missing.length) throw new ConfigError(`${missing.join(', ')}: ${feature} needs ${needs.join(', ')} together (see .env.example)`);
  return true;
}

/** The webhook when configured: URL and secret together; in production over https with a secret of 32 characters or more. */
function handoffWebhook(c: z.infer<typeof schema>, production: boolean): HandoffWebhookSettings | null {
  const needs = ['HANDOFF_WEBHOOK_URL', 'HANDOFF_WEBHOOK_SECRET'] as const;
  if (!switchedOn('The handoff webhook', c, [...needs], [...needs])) return null;
  const url = c.HANDOFF_WEBHOOK_URL!;
  if (production && !url.startsWith('https://'))
    throw new ConfigError('HANDOFF_WEBHOOK_URL: must be https in production: handoffs carry personal data');
  if (production && c.HANDOFF_WEBHOOK_SECRET.length < 32)
    throw new ConfigError('HANDOFF_WEBHOOK_SECRET: at least 32 characters in production (e.g. openssl rand -hex 32)');
  return { url, secret: c.HANDOFF_WEBHOOK_SECRET, timeoutMs: c.HANDOFF_WEBHOOK_TIMEOUT_MS };
}

/**
 * In production, content whose dialogs send links (on the phone they go by
 * text message) needs a way to send them: no silent demo outbox.
 * @param linkDialogs the dialogs that send a link.
 */
export function requireSms(config: Config, linkDialogs: readonly string[]): void {
  const phoneOn = config.TWILIO_SIGNATURE_CHECK === 'off' || Boolean(config.TWILIO_AUTH_TOKEN && config.PUBLIC_URL);
  if (config.FRONTLINE_MODE !== 'production' || config.sms || !phoneOn || !linkDialogs.length) return;
  throw new ConfigError(
    `TWILIO_SMS_FROM: required in production, because the dialogs ${linkDialogs.join(', ')} send links that reach callers by text message (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_SMS_FROM)`,
  );
}
