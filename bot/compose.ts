/**
 * The composition root: the one place that picks the implementations of
 * every port and wires them together.
 */
import type { Bus } from './engine/bus';
import { demoAgentPasswords, madeUp, startSeed } from './cluster';
import { botFrameworkChannel } from './channels/botframework-channel';
import { directLineChannel } from './channels/directline/channel';
import type { ChannelChoices, ChannelModule } from './channels/host';
import { smsTextChannel } from './channels/sms-text/channel';
import { voiceChannel } from './channels/voice/channel';
import { loadContent, type LoadOptions } from './content/load';
import { ChannelRegistry } from './engine/capabilities';
import { ConfigError, requireSms, type Config } from './config';
import { linkDialogs } from './channels/voice/sms-links';
import type { Brain } from './engine/context';
import { conversationsOf, type Conversations } from './engine/conversations';
import { Engine } from './engine/engine';
import { OutboundRegistry } from './engine/outbound';
import { AwayWatch } from './desk/away';
import { ContactBook } from './desk/contacts';
import type { Desk } from './desk/desk';
import { DeskService } from './desk/service';
import { ProcessRunner } from './desk/processes';
import type { BackOffice, Clock, HandoffTarget, ProfileSource, ProfileUpdates, SmsSender } from './engine/ports';
import { systemClock } from './engine/ports';
import type { Store } from './engine/store';
import type { Logger } from './log';
import { AgentDirectory } from './desk/agents';
import { DeskPresence } from './desk/presence';
import { DESK_SESSION_MS, DeskSessions } from './desk/sessions';
import { keptModelOf, trainFromContent } from './nlu/train';
import { EmbeddedBackOffice } from '../integrations/backoffice/embedded';
import { FileProfileSource } from '../integrations/ci/file-profiles';
import { HttpProfileSource } from '../integrations/ci/http-profiles';
import { CircuitBreaker, type BreakerState } from '../integrations/resilience/circuit-breaker';
import { LeaseLock } from '../integrations/state/lease-lock';
import { openStore } from '../integrations/state/open';
import { MirroredTarget, TaskRouterTarget } from '../integrations/handoff/taskrouter';
import { SmsOutbox } from '../integrations/sms/outbox';
import { TwilioSms } from '../integrations/sms/twilio-sms';
import { HandoffWebhook } from '../integrations/handoff/webhook';

/**
 * The channels this bot serves: each folder declares its name and
 * capabilities and mounts its routes. A new channel is its folder and one
 * line here; the content check learns the names, the engine the capabilities.
 */
export const servedChannels: readonly ChannelModule[] = [
  directLineChannel,
  botFrameworkChannel,
  voiceChannel,
  smsTextChannel,
];

/** The served channels by name. */
export const channelRegistry = new ChannelRegistry(servedChannels);

/** The names content may refer to that code defines: back-office actions and channels. */
export const codeNames: LoadOptions = { actions: EmbeddedBackOffice.catalogue, channels: channelRegistry.names() };

export interface App {
  /** What survives a restart: SQLite under DATA_DIR, Redis, or memory. */
  store: Store;
  config: Config;
  engine: Engine;
  /** The engine as channels see it. */
  conversations: Conversations;
  /** Writes into a conversation from outside a turn (an agent, an outreach), by the channel that owns it. */
  outbound: OutboundRegistry;
  /** The channels' implementation choices, made here so that the routes only mount. */
  channels: ChannelChoices;
  /** The channels mounted on the server. */
  served: readonly ChannelModule[];
  /** The contacts handed to people, durable on the store (`GET /api/queues` lists it). */
  queue: ContactBook;
  /** The agent desk (bot/desk/desk.ts) on the store and the outbound port. */
  desk: Desk;
  /** The desk's watch on customers who go without a word (a closed web chat page); channels report to it. */
  away: AwayWatch;
  /** The signed handoff webhook's sender (HANDOFF_WEBHOOK_URL), or null; `stop()` it on shutdown. */
  handoffWebhook: HandoffWebhook | null;
  /** TaskRouter (TWILIO_WORKSPACE_SID …), whose sender creates chat tasks; `stop()` it on shutdown. */
  taskRouter: TaskRouterTarget | null;
  /** The file-backed demo customers, when no CI API is configured. */
  demoProfiles: FileProfileSource | null;
  log: Logger;
  clock: Clock;
  sms: SmsSender;
  trainMs: number;
  /** Who may sign in at the desk (AGENTS_FILE); null: no desk (production without AGENTS_FILE). */
  agents: AgentDirectory | null;
  /** The CI profiles and the back office, as the engine has them: guided processes at the desk use them too. */
  profiles: ProfileSource;
  backOffice: BackOffice;
  /** Guided processes an agent runs at the desk (processes/*.yaml); routes mount on the desk's. */
  processes: ProcessRunner;
}


/** Where demo mode keeps the Direct Line secret it made up, so open chats survive a restart. */
const DEMO_SECRET_KEY = 'directline:demo-secret';
const DEMO_SECRET_TTL_MS = 365 * 24 * 60 * 60_000;

/**
 * Demo mode without DIRECTLINE_SECRET: a random secret, kept in the store
 * (SQLite under DATA_DIR, Redis) so that a restart — or another instance —
 * accepts the tokens the web chat page already holds.
 */
async function demoDirectLineSecret(store: Store, clock: Clock, seed: Buffer): Promise<string> {
  const now = clock.now().getTime();
  const kept = await store.records.get(DEMO_SECRET_KEY, now);
  if (typeof kept === 'string') return kept;
  // The workers of one start, starting at once, all store the same one (made from their shared seed).
  await store.records.put(DEMO_SECRET_KEY, madeUp(seed, 'directline', 32), DEMO_SECRET_TTL_MS, now);
  // Two separate instances starting at once: both use whichever was stored last.
  return String(await store.records.get(DEMO_SECRET_KEY, now));
}

/** Picks what the channels run with, and says aloud what is unsafe or missing. */
async function channelChoices(config: Config, log: Logger, demoProfiles: FileProfileSource | null, store: Store, clock: Clock, seed: Buffer): Promise<ChannelChoices> {
  let directLineSecret = config.DIRECTLINE_SECRET;
  if (!directLineSecret) {
    directLineSecret = await demoDirectLineSecret(store, clock, seed);
    log.warn('directline.demo_secret', { store: store.kind, hint: 'demo mode without DIRECTLINE_SECRET: the web chat page works, outside Direct Line clients cannot get tokens' });
  }
  if (config.BOTFRAMEWORK_CHANNEL === 'on' && !config.MicrosoftAppId)
    log.warn('botframework.unauthenticated', { hint: 'demo mode without MicrosoftAppId: /api/messages accepts unauthenticated requests and replies only to this machine' });
  if (config.TWILIO_SIGNATURE_CHECK === 'off')
    log.warn('voice.SIGNATURE_CHECK_OFF', {
      hint: '!!! TWILIO_SIGNATURE_CHECK=off: /api/voice and /api/sms accept unsigned requests from anyone. Local use only. !!!',
    });
  else if (!config.TWILIO_AUTH_TOKEN || !config.PUBLIC_URL)
    log.warn('voice.not_configured', { hint: 'set TWILIO_AUTH_TOKEN and PUBLIC_URL: until then /api/voice and /api/sms answer 403 to every request' });
  return {
    directLineSecret,
    voiceHandoff: config.taskRouter
      ? { kind: 'taskrouter', workflowSid: config.taskRouter.workflowSid, timeoutSeconds: config.taskRouter.timeoutSeconds }
      : config.VOICE_AGENT_NUMBER
        ? { kind: 'dial', number: config.VOICE_AGENT_NUMBER }
        : { kind: 'enqueue' },
    twilioVerify: config.TWILIO_SIGNATURE_CHECK === 'off' ? null : { authToken: config.TWILIO_AUTH_TOKEN, publicUrl: config.PUBLIC_URL ?? '' },
    // Names and ids do not change while the bot runs: listed once, not per request.
    demoCustomers:
      config.DEMO_SIGN_IN === 'true' && demoProfiles ? demoProfiles.all().map((p) => ({ id: p.id, name: `${p.firstName} ${p.lastName}` })) : [],
  };
}

/** An outside service's breaker changed: the operator reads it (no customer data). */
function breakerLog(log: Logger, state: BreakerState, service: string): void {
  if (state === 'open') log.warn('breaker.open', { service, hint: `${service} failed repeatedly: calls pause, then one trial call` });
  else log.info(`breaker.${state}`, { service });
}

export interface ComposeOverrides {
  clock?: Clock;
  profiles?: ProfileSource;
  newId?: () => string;
  sms?: SmsSender;
  /** Content and model already built (tests share one). */
  brain?: Brain & { trainMs?: number };
  store?: Store;
  /** The bus between this start's worker processes (WORKERS > 1 on SQLite: cluster-bus.ts). */
  bus?: Bus;
}

/**
 * Loads and fully checks the content and trains the model: throws ContentError on a broken file.
 * With `modelDir`, a model kept there for the same content (and classifier) is used instead of
 * training, and a model trained is kept there (`keptModel` says which).
 */
export function buildBrain(contentDir: string, modelDir = ''): Brain & { trainMs: number; keptModel: boolean } {
  const content = loadContent(contentDir, codeNames);
  const started = Date.now();
  const { model, kept } = modelDir ? keptModelOf(content, modelDir) : { model: trainFromContent(content), kept: false };
  return { content, model, trainMs: Date.now() - started, keptModel: kept };
}

export async function compose(config: Config, log: Logger, overrides: ComposeOverrides = {}): Promise<App> {
  const clock = overrides.clock ?? systemClock;
  const brain = overrides.brain ?? buildBrain(config.CONTENT_DIR, config.MODEL_CACHE_DIR);
  log.info('content.loaded', {
    intents: brain.content.intents.size,
    dialogs: brain.content.dialogs.size,
    trainMs: brain.trainMs ?? 0,
    model: 'keptModel' in brain && brain.keptModel ? 'kept' : 'trained',
  });
  for (const warning of brain.content.warnings) log.warn('content.warning', { warning });

  let demoProfiles: FileProfileSource | null = null;
  let profiles: ProfileSource;
  /** Where `address.update` writes: the CI API, or the demo file's memory. */
  let updates: ProfileUpdates | undefined;
  if (overrides.profiles) profiles = overrides.profiles;
  else if (config.CI_API_URL) {
    const now = () => clock.now().getTime();
    profiles = updates = new HttpProfileSource({
      baseUrl: config.CI_API_URL,
      ...(config.CI_API_KEY ? { apiKey: config.CI_API_KEY } : {}),
      timeoutMs: config.CI_API_TIMEOUT_MS,
      staleMs: config.CI_STALE_MINUTES * 60_000,
      cacheMax: config.CI_CACHE_MAX,
      now,
      onStale: () => log.warn('profiles.stale_served', { hint: 'the CI system is failing: a recently found profile was used' }),
      breaker: new CircuitBreaker({ name: 'ci', now, onChange: (state) => breakerLog(log, state, 'ci') }),
    });
    log.info('profiles.api', { timeoutMs: config.CI_API_TIMEOUT_MS });
  } else {
    demoProfiles = await FileProfileSource.load(config.CUSTOMERS_FILE, config.DEMO_FIXED_DATES ? {} : { today: clock.now() });
    profiles = updates = demoProfiles;
  }

  const backOffice = await EmbeddedBackOffice.load({
    outagesFile: config.OUTAGES_FILE,
    storesFile: config.STORES_FILE,
    clock,
    ...(updates ? { profiles: updates } : {}),
    ...(brain.content.assistant.timezone ? { timeZone: brain.content.assistant.timezone } : {}),
  });

  requireSms(config, linkDialogs(brain.content));
  const sms: SmsSender = config.sms ? new TwilioSms(config.sms) : (overrides.sms ?? new SmsOutbox());
  if (!config.sms) log.warn('sms.outbox', { hint: 'TWILIO_SMS_FROM is not set: links for callers stay in the demo outbox, and callers are told so' });
  const store = overrides.store ?? openStore({ dataDir: config.DATA_DIR, redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, stateTtlMs: config.STATE_TTL_MINUTES * 60_000, contactRetentionMs: config.CONTACT_RETENTION_DAYS * 24 * 3600_000, bus: overrides.bus, log });
  if (store.kind === 'memory') log.warn('store.memory', { reason: 'DATA_DIR is empty: conversations and waiting customers are lost on restart' });
  else log.info('store.opened', { kind: store.kind });
  // A store that does not answer at start is a setting to mend (or a server to start), said in one line.
  await store.ping().catch(async () => {
    await store.close().catch(() => undefined);
    const which = store.kind === 'redis' ? `Redis at REDIS_URL (${hostOf(config.REDIS_URL ?? '')})` : `the ${store.kind} store`;
    throw new ConfigError(`${which} does not answer: start it, or mend the setting`);
  });
  let engine: Engine | null = null;
  const content = () => (engine?.current ?? brain).content;
  // The desk is where chats are answered (no TaskRouter, no other platform): when nobody serving a queue is
  // at it, the bot promises no wait (read at each handoff; agents are read below).
  const presence = new DeskPresence(store.records, () => clock.now());
  const deskAnswers = !config.taskRouter && !config.handoffWebhook;
  const staffed = async (queueName: string) => {
    if (!agents || !deskAnswers) return undefined;
    return presence.anyPresent(agents.all().filter((a) => a.queues.includes(queueName)).map((a) => a.id));
  };
  const queue = new ContactBook({ store, queues: () => content().routing.queues, clock, staffed });
  let handoffs: HandoffTarget = queue;
  let taskRouter: TaskRouterTarget | null = null;
  if (config.taskRouter) {
    const breaker = new CircuitBreaker({ name: 'taskrouter', onChange: (state) => breakerLog(log, state, 'taskrouter') });
    // Chat tasks are created from the store's outbox after the turn; the desk queue holds the contact meanwhile.
    taskRouter = new TaskRouterTarget({ ...config.taskRouter, breaker, outbox: store.outbox, clock, log }).start();
    handoffs = new MirroredTarget(taskRouter, queue);
    log.info('handoff.taskrouter', { workspace: config.taskRouter.workspaceSid });
  }
  let handoffWebhook: HandoffWebhook | null = null;
  if (config.handoffWebhook) {
    // An additional target: written to the outbox within the turn, posted after it.
    handoffWebhook = new HandoffWebhook({ ...config.handoffWebhook, outbox: store.outbox, clock, log }).start();
    handoffs = new MirroredTarget(handoffWebhook, handoffs);
    log.info('handoff.webhook', { host: new URL(config.handoffWebhook.url).host });
  }
  engine = new Engine({
    brain,
    profiles,
    backOffice,
    handoffs,
    // Messages after a handoff go onto the contact on the store, which lists every contact (TaskRouter's too).
    contacts: queue,
    clock,
    log,
    store: store.states,
    lock: new LeaseLock(store.leases, clock),
    recordOutcomes: true,
    channels: channelRegistry,
    ...(overrides.newId ? { newId: overrides.newId } : {}),
  });
  // What demo mode makes up (the Direct Line secret, demo agents' passwords): the same in every worker of a start.
  const seed = startSeed();
  const agents = deskAgents(config, log, Object.keys(brain.content.routing.queues), seed);
  const outbound = new OutboundRegistry();
  const running = engine;
  const desk = new DeskService({
    book: queue,
    outbound,
    takeover: (id, channel, contactId, change) => running.takeover(id, channel, contactId, change),
    queues: () => content().routing.queues,
    dispositions: () => content().dispositions,
    agentById: (id) => agents?.find(id) ?? null,
    offerMs: config.DESK_OFFER_SECONDS * 1000,
    // An offer to an agent who signed out, or whose session ends, goes back to its queue then.
    signedInUntil: (agentId, now) => new DeskSessions(store.records, DESK_SESSION_MS).until(agentId, now),
    clock,
    log,
  });
  const conversations = conversationsOf(engine);
  const away = new AwayWatch({
    store,
    conversations,
    abandonMs: config.WEBCHAT_ABANDON_MINUTES * 60_000,
    streamLeaseMs: config.WEBCHAT_STREAM_LEASE_SECONDS * 1000,
    keepMs: config.STATE_TTL_MINUTES * 60_000,
    clock,
    log,
  });
  // Guided processes at the desk: the same customer facts and back office as the bot's dialogs.
  const processes = new ProcessRunner({ desk, content, profiles, backOffice, store, lock: new LeaseLock(store.leases, clock), clock, log });
  return { config, engine, conversations, outbound, desk, away, channels: await channelChoices(config, log, demoProfiles, store, clock, seed), served: servedChannels, store, queue, handoffWebhook, taskRouter, demoProfiles, log, clock, sms, trainMs: brain.trainMs ?? 0, agents, profiles, backOffice, processes };
}

/** Where a URL points, without the user and password it may hold. */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'not a URL';
  }
}

/** The desk's agents from AGENTS_FILE; none (and the desk off, said aloud) without it. */
function deskAgents(config: Config, log: Logger, queues: string[], seed: Buffer): AgentDirectory | null {
  if (!config.AGENTS_FILE) {
    log.warn('desk.off', { hint: 'AGENTS_FILE is not set: /agent and /api/queues are off (npm run agents -- add <id> writes one)' });
    return null;
  }
  const agents = AgentDirectory.load(config.AGENTS_FILE, config.FRONTLINE_MODE === 'demo', demoAgentPasswords(seed));
  for (const agent of agents.all())
    for (const queue of agent.queues.filter((q) => !queues.includes(q))) log.warn('desk.unknown_queue', { agent: agent.id, queue });
  log.info('desk.agents', { agents: agents.all().length });
  return agents;
}
