/**
 * Desk sessions: a random id in the agent's cookie, and in the store the
 * agent it belongs to, its CSRF token and when it ends. Kept in the store's
 * keyed records (`store.records`) for as long as the session lasts, so every
 * instance sharing a store knows every session: sign in on one, work on
 * another. Signing out deletes the record, on every instance at once.
 *
 * The store holds only a SHA-256 of the id: reading the store does not give
 * a usable cookie. Each agent's live sessions are also listed under the
 * agent (`until`): a transfer offered to an agent who is not signed in, or
 * whose session ends, goes back to its queue (offers.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Json, KeyedRecords, Millis } from '../engine/store';

export interface DeskSession {
  agentId: string;
  /** The synchronizer token every state-changing request must send back (X-CSRF-Token). */
  csrf: string;
  expiresAt: Millis;
}

const KEY = 'desk-session:';
const AGENT_KEY = 'desk-agent-sessions:';

/** How long a desk session lasts from sign-in: an agent's shift. */
export const DESK_SESSION_MS = 10 * 3600_000;

function digestOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url');
}

function keyOf(sessionId: string): string {
  return KEY + digestOf(sessionId);
}

/** An agent's sessions: digest → when it ends (ms). */
type SessionEnds = Record<string, number>;

/** A random id of 256 bits, for cookies and tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares two tokens without telling by timing how much of them matched. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class DeskSessions {
  constructor(
    private readonly records: KeyedRecords,
    /** How long a session lasts from sign-in (an agent's shift). */
    readonly ttlMs: Millis,
  ) {}

  /** A new session for the agent: its id goes in the cookie. */
  async open(agentId: string, now: Millis): Promise<{ id: string; session: DeskSession }> {
    const id = randomToken();
    const session: DeskSession = { agentId, csrf: randomToken(), expiresAt: now + this.ttlMs };
    await this.records.put(keyOf(id), { ...session }, this.ttlMs, now);
    // Read, change, write: only the same agent's sign-ins race here, and each one's session works regardless.
    await this.listed(agentId, now, (ends) => ({ ...ends, [digestOf(id)]: session.expiresAt }));
    return { id, session };
  }

  /** When the agent's last live session ends (ms), or null when they are not signed in. */
  async until(agentId: string, now: Millis): Promise<Millis | null> {
    const ends = Object.values(live(await this.records.get(AGENT_KEY + agentId, now), now));
    return ends.length ? Math.max(...ends) : null;
  }

  /** The live session of a cookie's id, or null (unknown, forged, expired or signed out). */
  async find(id: string, now: Millis): Promise<DeskSession | null> {
    if (!/^[\w-]{43}$/.test(id)) return null;
    const session = await this.records.get(keyOf(id), now);
    if (!isSession(session) || session.expiresAt <= now) return null;
    // Missing from its agent's list (opened before the list existed, or lost to two sign-ins at once): listed again.
    if (!(digestOf(id) in live(await this.records.get(AGENT_KEY + session.agentId, now), now)))
      await this.listed(session.agentId, now, (ends) => ({ ...ends, [digestOf(id)]: session.expiresAt }));
    return session;
  }

  /** Ends the session everywhere. */
  async close(id: string, now: Millis): Promise<void> {
    if (!/^[\w-]{43}$/.test(id)) return;
    const session = await this.records.get(keyOf(id), now);
    await this.records.delete(keyOf(id));
    if (isSession(session)) await this.listed(session.agentId, now, ({ [digestOf(id)]: _gone, ...rest }) => rest);
  }

  private async listed(agentId: string, now: Millis, change: (ends: SessionEnds) => SessionEnds): Promise<void> {
    const ends = change(live(await this.records.get(AGENT_KEY + agentId, now), now));
    const last = Math.max(0, ...Object.values(ends));
    if (last > now) await this.records.put(AGENT_KEY + agentId, ends, last - now, now);
    else await this.records.delete(AGENT_KEY + agentId);
  }
}

/** The sessions of a stored list that have not ended. */
function live(item: Json | null, now: Millis): SessionEnds {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return {};
  return Object.fromEntries(Object.entries(item).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > now));
}

function isSession(item: Json): item is Json & DeskSession {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return false;
  return typeof item.agentId === 'string' && typeof item.csrf === 'string' && typeof item.expiresAt === 'number';
}
