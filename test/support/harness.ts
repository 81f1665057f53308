/**
 * Test harness: the real content and model, the embedded queue, a fixed
 * clock, and either the demo customers or fixture profiles.
 */
import { join } from 'node:path';
import { buildBrain, channelRegistry } from '../../bot/compose';
import type { Brain } from '../../bot/engine/context';
import { Engine } from '../../bot/engine/engine';
import type { Handoff } from '../../bot/engine/handoff-record';
import { profileSchema, type Profile } from '../../bot/domain/profile';
import type { BackOffice, Clock, HandoffTarget, IdentityHint, ProfileSource } from '../../bot/engine/ports';
import type { TurnInput, TurnOutput } from '../../bot/engine/turn';
import { silentLogger } from '../../bot/log';
import { EmbeddedQueue } from '../../integrations/handoff/embedded-queue';
import { MemoryLock, MemoryStore } from '../../integrations/state/memory';

export const root = join(__dirname, '..', '..');
/** Every test runs on this day: demo data is written relative to it. */
export const TODAY = new Date('2026-11-24T17:00:00Z');
export const fixedClock: Clock = { now: () => TODAY };

let brain: Brain | null = null;
/** The project's content and model: kept where `npm start` keeps it (data/models), trained when the content or classifier changed. */
export function demoBrain(): Brain {
  brain ??= buildBrain(root, join(root, 'data', 'models'));
  return brain;
}

export class FixtureProfiles implements ProfileSource {
  constructor(private readonly profiles: Profile[]) {}
  async byPhone(phone: string) {
    return this.profiles.find((p) => p.phones.includes(phone)) ?? null;
  }
  async byCustomerId(id: string) {
    return this.profiles.find((p) => p.id === id) ?? null;
  }
}

/** A valid profile with the given changes. */
export function makeProfile(over: Partial<Record<keyof Profile, unknown>> & { id: string }): Profile {
  return profileSchema.parse({
    firstName: 'Test',
    lastName: over.id,
    phones: [`+1555999${over.id.replace(/\D/g, '').padStart(4, '0').slice(-4)}`],
    email: 'test@example.com',
    dateOfBirth: '1980-01-01',
    address: { line1: '1 Test Street', city: 'Oakland', postcode: '94607' },
    customerSince: '2020-01-01',
    scores: { value: 50, potential: 50, churnRisk: 0.1 },
    billing: { currency: 'USD', balance: 0, invoices: [] },
    ...over,
  });
}

export const noBackOffice: BackOffice = {
  actions: [],
  async run(action) {
    throw new Error(`no back office in this test (${action})`);
  },
};

export interface Harness {
  engine: Engine;
  queue: EmbeddedQueue;
  /** Starts a conversation and returns a function that sends turns in it. */
  conversation(opts: { channel?: 'chat' | 'voice'; identity?: IdentityHint | null; id?: string }): Conversation;
}

export interface Conversation {
  readonly id: string;
  start(): Promise<TurnOutput>;
  say(text: string): Promise<TurnOutput>;
  press(digits: string): Promise<TurnOutput>;
  /** Every reply text so far, in order. */
  readonly texts: string[];
  /** The last handoff of this conversation, if any. */
  readonly handoff: Handoff | null;
}

let seq = 0;

export interface HarnessOptions {
  profiles: ProfileSource;
  backOffice?: BackOffice;
  brain?: Brain;
  /** Where handoffs go, given the embedded queue (default: the queue itself). */
  handoffs?: (queue: EmbeddedQueue) => HandoffTarget;
}

export function harness(opts: HarnessOptions): Harness {
  let engine: Engine | null = null;
  const queue = new EmbeddedQueue(() => (engine?.current ?? demoBrain()).content.routing.queues);
  engine = new Engine({
    brain: opts.brain ?? demoBrain(),
    profiles: opts.profiles,
    backOffice: opts.backOffice ?? noBackOffice,
    handoffs: opts.handoffs ? opts.handoffs(queue) : queue,
    contacts: queue,
    clock: fixedClock,
    log: silentLogger,
    store: new MemoryStore({ stateTtlMs: 60 * 60_000 }).states,
    lock: new MemoryLock(),
    newId: () => `h${++seq}`,
    channels: channelRegistry,
  });
  const e = engine;
  return {
    engine: e,
    queue,
    conversation({ channel = 'chat', identity = null, id = `c${++seq}` }) {
      const texts: string[] = [];
      let handoff: Handoff | null = null;
      const send = async (input: Partial<TurnInput>) => {
        const out = await e.turn({ conversationId: id, channel, identity, ...input });
        texts.push(...out.replies.map((r) => r.text));
        if (out.handoff) handoff = out.handoff.handoff;
        return out;
      };
      return {
        id,
        start: () => send({ event: 'start' }),
        say: (text) => send({ text }),
        press: (digits) => send({ digits }),
        texts,
        get handoff() {
          return handoff;
        },
      };
    },
  };
}

/** The demo customers and the embedded back office, on the fixed test day. */
export async function demoHarness(extra: Pick<HarnessOptions, 'handoffs'> = {}): Promise<Harness & { profiles: import('../../integrations/ci/file-profiles').FileProfileSource }> {
  const { FileProfileSource } = await import('../../integrations/ci/file-profiles');
  const { EmbeddedBackOffice } = await import('../../integrations/backoffice/embedded');
  const profiles = FileProfileSource.loadSync(join(root, 'integrations/demo/customers.yaml'), { today: TODAY });
  const backOffice = await EmbeddedBackOffice.load({
    outagesFile: join(root, 'integrations/demo/outages.yaml'),
    storesFile: join(root, 'integrations/demo/stores.yaml'),
    clock: fixedClock,
    profiles,
    timeZone: 'America/Los_Angeles',
    idGen: () => 'BW-900001',
  });
  return { ...harness({ profiles, backOffice, ...extra }), profiles };
}

/** A signed-in web customer (trusted as verified). */
export const signedIn = (id: string): IdentityHint => ({ kind: 'customerId', value: id, authenticated: true });
