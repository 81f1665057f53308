/**
 * The web chat page: Microsoft Web Chat served from the installed package
 * (no CDN), talking to our own Direct Line endpoint. The page gets its token
 * from this server; the Direct Line secret never reaches the browser.
 *
 * The demo sign-in stands in for a company's web site login: it lets a
 * visitor pick a demo customer, and the token then carries that customer's
 * id as a signed-in user. Real sites call `POST /v3/directline/tokens/generate`
 * with the secret from their own back end instead.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { clientAddress } from '../../client-address';
import { anonymousUser, type DirectLine } from '../directline/routes';
import { takeMessage, type MessageBuckets } from '../limits';

export interface WebChatPageOptions {
  directLine: DirectLine;
  title: string;
  locale: string;
  /** Demo customers a visitor may sign in as; empty turns the demo sign-in off. */
  demoCustomers: readonly { id: string; name: string }[];
  /** Tokens one client address may get: this many at once, then so many a minute (WEBCHAT_TOKENS_PER_MINUTE). */
  tokensPerMinute: number;
  /** Where each address's token budget is kept (the store's records: one budget on every instance). */
  buckets: MessageBuckets;
  /** The injected clock, in milliseconds. */
  now: () => number;
  /** How many proxies' X-Forwarded-For entries to believe for the client's address (TRUST_PROXY). */
  trustProxy: number;
}

/** The UMD bundle in the installed package (its `exports` hide dist/, so it is found from the entry point). */
function webChatBundle(): string {
  const entry = require.resolve('botframework-webchat');
  const root = entry.slice(0, entry.lastIndexOf(`${sep}botframework-webchat${sep}`) + `${sep}botframework-webchat`.length);
  const bundle = join(root, 'dist', 'webchat.js');
  if (!existsSync(bundle)) throw new Error(`Web Chat bundle missing at ${bundle}: run npm install`);
  return bundle;
}

export function registerWebChatPage(server: Server, opts: WebChatPageOptions): void {
  const page = readFileSync(join(__dirname, 'index.html'), 'utf8');
  const bundle = webChatBundle();

  server.get('/', async (_req: Request, res: Response) => {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'",
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(page);
  });

  // The page's icon (browsers ask for one; a 404 would be noise in every log and console).
  const icon =
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#0b5cab"/><path d="M8 9h16a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-9l-5 4v-4H8a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2z" fill="#fff"/></svg>';
  for (const path of ['/favicon.svg', '/favicon.ico'])
    server.get(path, async (_req: Request, res: Response) => {
      res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' });
      res.end(icon);
    });

  server.get('/webchat/webchat.js', async (_req: Request, res: Response) => {
    res.writeHead(200, { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' });
    createReadStream(bundle).pipe(res);
  });

  server.get('/api/webchat/config', async (_req: Request, res: Response) => {
    const initials = opts.title
      .split(/\s+/)
      .map((w) => w[0])
      .join('')
      .slice(0, 2)
      .toUpperCase();
    res.send(200, { title: opts.title, locale: opts.locale, botInitials: initials, demoCustomers: opts.demoCustomers });
  });

  // The page asks once per visit; more than this from one address is not a visitor. The channels' token bucket
  // in the store (limits.ts), so an address spreading its requests over several instances gets one budget.
  const rate = { burst: opts.tokensPerMinute, perMinute: opts.tokensPerMinute };
  server.post('/api/webchat/token', async (req: Request, res: Response) => {
    if (!(await takeMessage(opts.buckets, `webchat-token:${clientAddress(req, opts.trustProxy)}`, opts.now(), rate))) {
      res.send(429, { error: { code: 'TooManyRequests', message: 'too many chats from this address; try again in a minute' } });
      return;
    }
    const body = (req.body ?? {}) as { customerId?: unknown };
    const wanted = typeof body.customerId === 'string' ? body.customerId : null;
    if (wanted && !opts.demoCustomers.some((c) => c.id === wanted)) {
      res.send(403, { error: { code: 'Forbidden', message: 'unknown demo customer' } });
      return;
    }
    const user = wanted ?? anonymousUser();
    res.send(200, opts.directLine.generate(user));
  });
}
