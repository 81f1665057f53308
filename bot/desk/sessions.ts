/**
 * Desk sessions: a random id in the agent's cookie, and in the store the
 * agent it belongs to, its CSRF token and when it ends. Kept in the store's
 * append-only histories (the one keyed, expiring record every backend has),
 * so every instance sharing a store knows every session: sign in on one,
 * work on another. Signing out appends a revocation.
 *
 * The store holds only a SHA-256 of the id: reading the store does not give
 * a usable cookie.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Histories, Json, Millis } from '../engine/store';

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
    private readonly histories: Histories,
    /** How long a session lasts from sign-in (an agent's shift). */
    readonly ttlMs: Millis,
  ) {}

  /** A new session for the agent: its id goes in the cookie. */
  async open(agentId: string, now: Millis): Promise<{ id: string; session: DeskSession }> {
    const id = randomToken();
    const session: DeskSession = { agentId, csrf: randomToken(), expiresAt: now + this.ttlMs };
    await this.histories.append(keyOf(id), { ...session }, this.ttlMs, now);
    return { id, session };
  }

  /** The live session of a cookie's id, or null (unknown, forged, expired or signed out). */
  async find(id: string, now: Millis): Promise<DeskSession | null> {
    if (!/^[\w-]{43}$/.test(id)) return null;
    const { entries } = await this.histories.since(keyOf(id), 0, now, 10);
    const first = entries[0]?.item;
    if (!isSession(first) || entries.some((e) => isRevocation(e.item))) return null;
    return first.expiresAt > now ? first : null;
  }

  /** Ends the session everywhere. */
  async close(id: string, now: Millis): Promise<void> {
    if (!/^[\w-]{43}$/.test(id)) return;
    await this.histories.append(keyOf(id), { revoked: true }, this.ttlMs, now);
  }
}

function isSession(item: Json | undefined): item is Json & DeskSession {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return false;
  return typeof item.agentId === 'string' && typeof item.csrf === 'string' && typeof item.expiresAt === 'number';
}

function isRevocation(item: Json): boolean {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && item.revoked === true;
}
