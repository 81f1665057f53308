/**
 * Desk sessions: a random id in the agent's cookie, and in the store the
 * agent it belongs to, its CSRF token and when it ends. Kept in the store's
 * keyed records (`store.records`) for as long as the session lasts, so every
 * instance sharing a store knows every session: sign in on one, work on
 * another. Signing out deletes the record, on every instance at once.
 *
 * The store holds only a SHA-256 of the id: reading the store does not give
 * a usable cookie.
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

function keyOf(sessionId: string): string {
  return KEY + createHash('sha256').update(sessionId).digest('base64url');
}

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
    return { id, session };
  }

  /** The live session of a cookie's id, or null (unknown, forged, expired or signed out). */
  async find(id: string, now: Millis): Promise<DeskSession | null> {
    if (!/^[\w-]{43}$/.test(id)) return null;
    const session = await this.records.get(keyOf(id), now);
    return isSession(session) && session.expiresAt > now ? session : null;
  }

  /** Ends the session everywhere. */
  async close(id: string): Promise<void> {
    if (!/^[\w-]{43}$/.test(id)) return;
    await this.records.delete(keyOf(id));
  }
}

function isSession(item: Json): item is Json & DeskSession {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return false;
  return typeof item.agentId === 'string' && typeof item.csrf === 'string' && typeof item.expiresAt === 'number';
}
