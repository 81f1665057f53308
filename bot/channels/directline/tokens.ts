/**
 * Direct Line tokens: signed (HMAC-SHA256 with a key derived from the
 * Direct Line secret), expiring, and carrying the user id the web site
 * vouched for. The user id in a token — never an activity's `from.id` — is
 * who the customer is.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export interface TokenClaims {
  /** The user id the token was issued for. */
  user: string;
  /** The conversation the token is bound to. */
  conversation: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

export class TokenSigner {
  private readonly key: Buffer;
  /** Tokens verified lately: a conversation's every request carries the same one (an HMAC and a parse saved each). */
  private readonly verified = new LRUCache<string, TokenClaims>({ max: 5000, ttl: 60_000 });

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.key = createHmac('sha256', secret).update('frontline-directline-token').digest();
  }

  get ttl(): number {
    return this.ttlSeconds;
  }

  issue(user: string, conversation: string): string {
    const claims: TokenClaims = { user, conversation, exp: Math.floor(this.now() / 1000) + this.ttlSeconds };
    const body = b64(JSON.stringify(claims));
    const token = `${body}.${this.sign(body)}`;
    // Signed here: its first use (the stream's upgrade, the first message) needs no HMAC either.
    this.verified.set(token, claims);
    return token;
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  verify(token: string): TokenClaims | null {
    const known = this.verified.get(token);
    if (known) return known.exp * 1000 > this.now() ? known : null;
    const [body, sig, extra] = token.split('.');
    if (!body || !sig || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      if (typeof claims.user !== 'string' || typeof claims.conversation !== 'string' || typeof claims.exp !== 'number') return null;
      if (claims.exp * 1000 <= this.now()) return null;
      this.verified.set(token, claims);
      return claims;
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
