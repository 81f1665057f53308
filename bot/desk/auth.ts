/**
 * Signing in at the desk and guarding its routes.
 *
 * - The session id lives in an HttpOnly, SameSite=Strict cookie (Secure when
 *   PUBLIC_URL is https); the store keeps the session (sessions.ts).
 * - Every state-changing request sends the session's CSRF token in
 *   `X-CSRF-Token` (synchronizer token). Signing in, before any session,
 *   sends the token of a short-lived pre-session cookie (double submit).
 * - Sign-in attempts are limited (sign-in-limits.ts): per agent id and client
 *   address, with a higher per-id ceiling that spares addresses the agent
 *   signed in from before, and per address; counted in the store's records.
 *   The client address comes from the socket, or from X-Forwarded-For only as
 *   far as TRUST_PROXY says (bot/client-address.ts).
 */
import type { Request, Response, Server } from 'restify';
import { clientAddress } from '../client-address';
import type { KeyedRecords, Millis } from '../engine/store';
import type { Logger } from '../log';
import type { AgentDirectory } from './agents';
import type { Agent } from './desk';
import { randomToken, sameToken, type DeskSession, type DeskSessions } from './sessions';
import { SignInLimits, type SignInLimitOptions } from './sign-in-limits';

export const SESSION_COOKIE = 'frontline_desk';
const PRE_COOKIE = 'frontline_desk_pre';
export const CSRF_HEADER = 'x-csrf-token';

/** An agent's request that passed the guard. */
export interface Signed {
  agent: Agent;
  session: DeskSession;
}

export type DeskHandler = (req: Request, res: Response, signed: Signed) => Promise<void>;

export interface DeskAuthOptions {
  agents: AgentDirectory;
  sessions: DeskSessions;
  /** Where sign-in attempts are counted (the store's, shared by every instance). */
  records: KeyedRecords;
  now: () => Millis;
  /** Adds `Secure` to the cookies (PUBLIC_URL is https). */
  secureCookies: boolean;
  log: Logger;
  /** Proxies in front of the bot whose X-Forwarded-For is believed (TRUST_PROXY; default 0: none). */
  trustProxy?: number;
  limits?: SignInLimitOptions;
  /** After an agent signs out (their offers go back to their queues). */
  signedOut?: (agent: Agent) => Promise<void>;
}

/** Answers a refusal the way every desk route does: a code and a message, as JSON. */
export function refuse(res: Response, status: number, code: string, message: string): void {
  // Returns nothing: an async restify handler that returns a value is warned about.
  res.send(status, { code, message });
}

export function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

export class DeskAuth {
  private readonly limits: SignInLimits;

  constructor(private readonly opts: DeskAuthOptions) {
    this.limits = new SignInLimits(opts.records, opts.limits);
  }

  private cookie(name: string, value: string, maxAgeSeconds: number): string {
    return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${this.opts.secureCookies ? '; Secure' : ''}`;
  }

  /** The agent and session of a request's cookie, or null. */
  async signed(req: Request): Promise<Signed | null> {
    const id = cookies(req)[SESSION_COOKIE];
    if (!id) return null;
    const session = await this.opts.sessions.find(id, this.opts.now());
    const agent = session ? this.opts.agents.find(session.agentId) : null;
    // An agent removed from AGENTS_FILE loses the desk at once.
    return session && agent ? { agent, session } : null;
  }

  /**
   * A route for signed-in agents: 401 without a valid session; 403 without
   * the CSRF token when `changes` (every route that is not a read).
   */
  guard(handler: DeskHandler, changes: boolean): (req: Request, res: Response) => Promise<void> {
    return async (req, res) => {
      const signed = await this.signed(req);
      if (!signed) return refuse(res, 401, 'Unauthorized', 'sign in at /agent first');
      if (changes) {
        const token = req.header(CSRF_HEADER);
        if (!token || !sameToken(token, signed.session.csrf)) return refuse(res, 403, 'Forbidden', 'missing or wrong X-CSRF-Token');
      }
      return handler(req, res, signed);
    };
  }

  /** GET/POST /api/desk/sign-in, POST /api/desk/sign-out, GET /api/desk/me. */
  register(server: Server, me: (signed: Signed) => Record<string, unknown>): void {
    // The pre-session token that a sign-in must send back (login CSRF).
    server.get('/api/desk/sign-in', async (_req: Request, res: Response) => {
      const token = randomToken();
      res.header('Set-Cookie', this.cookie(PRE_COOKIE, token, 3600));
      res.header('Cache-Control', 'no-store');
      res.send(200, { csrf: token });
    });

    server.post('/api/desk/sign-in', async (req: Request, res: Response) => {
      const pre = cookies(req)[PRE_COOKIE];
      const token = req.header(CSRF_HEADER);
      if (!pre || !token || !sameToken(pre, token)) return refuse(res, 403, 'Forbidden', 'missing or wrong X-CSRF-Token: reload the page');
      const body = (req.body ?? {}) as { agentId?: unknown; password?: unknown };
      const agentId = typeof body.agentId === 'string' ? body.agentId.trim().toLowerCase().slice(0, 64) : '';
      const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
      if (!agentId || !password) return refuse(res, 400, 'BadRequest', 'agentId and password are needed');
      const address = clientAddress(req, this.opts.trustProxy ?? 0);
      const now = this.opts.now();
      const limited = await this.limits.take(agentId, address, now);
      if (limited) {
        this.opts.log.warn('desk.sign_in_limited', { by: limited });
        res.header('Retry-After', String(Math.ceil(this.limits.windowMs / 1000)));
        return refuse(res, 429, 'TooManyRequests', 'too many sign-in attempts: try again in 15 minutes');
      }
      const agent = await this.opts.agents.check(agentId, password);
      if (!agent) {
        this.opts.log.info('desk.sign_in_failed', {});
        return refuse(res, 401, 'Unauthorized', 'unknown agent id or wrong password');
      }
      await this.limits.signedIn(agentId, address, now);
      const { id, session } = await this.opts.sessions.open(agent.id, this.opts.now());
      res.header('Set-Cookie', [
        this.cookie(SESSION_COOKIE, id, Math.floor(this.opts.sessions.ttlMs / 1000)),
        this.cookie(PRE_COOKIE, '', 0),
      ]);
      this.opts.log.info('desk.signed_in', { agent: agent.id });
      res.send(200, { ...me({ agent, session }) });
    });

    server.post(
      '/api/desk/sign-out',
      this.guard(async (req, res, signed) => {
        await this.opts.sessions.close(cookies(req)[SESSION_COOKIE] ?? '', this.opts.now());
        await this.opts.signedOut?.(signed.agent);
        res.header('Set-Cookie', this.cookie(SESSION_COOKIE, '', 0));
        this.opts.log.info('desk.signed_out', { agent: signed.agent.id });
        res.send(200, { signedOut: true });
      }, true),
    );

    server.get(
      '/api/desk/me',
      this.guard(async (_req, res, signed) => {
        res.header('Cache-Control', 'no-store');
        res.send(200, me(signed));
      }, false),
    );
  }
}
