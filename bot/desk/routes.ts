/**
 * The agent desk on the HTTP server: the page at `/agent` and its files,
 * sign-in, the JSON API, live events, and `GET /api/queues` for signed-in
 * agents. Everything stands on the `Desk` interface; guided processes and
 * other panels mount on the returned `DeskRoutes` (same guard, same CSRF).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { KeyedRecords, OutcomeEvents } from '../engine/store';
import type { Logger } from '../log';
import type { AgentDirectory } from './agents';
import { registerDeskApi } from './api';
import { DeskAuth, refuse, type DeskHandler, type Signed } from './auth';
import type { Desk } from './desk';
import { registerDeskEvents, type DeskStreams } from './events';
import { DeskPresence } from './presence';
import { DESK_SESSION_MS, DeskSessions } from './sessions';

export { DESK_SESSION_MS };

export interface DeskRouteOptions {
  desk: Desk;
  agents: AgentDirectory;
  /** Where sessions and sign-in attempts are kept: the store's, so that every instance knows them. */
  records: KeyedRecords;
  events: OutcomeEvents;
  /** GET /api/queues for signed-in agents (QUEUES_API). */
  queuesApi: boolean;
  /** The content's queues (read per request: content may be reloaded), for transfers. */
  queues: () => Record<string, { label: string }>;
  now: () => Date;
  /** PUBLIC_URL is https: cookies get `Secure`. */
  secureCookies: boolean;
  /** TRUST_PROXY: proxies whose X-Forwarded-For gives the client's address (sign-in limits). */
  trustProxy?: number;
  log: Logger;
}

/** What other desk features (guided processes …) mount on. */
export interface DeskRoutes {
  /** A read for signed-in agents (401 without a session). */
  read(path: string, handler: DeskHandler): void;
  /** A change for signed-in agents (401 without a session, 403 without the CSRF token). */
  change(path: string, handler: DeskHandler): void;
  streams: DeskStreams;
}

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page's files (web/ and its folders, e.g. web/panels/), read once: `/agent/<path>`. */
function pageFiles(dir: string): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (TYPES[extname(name)]) files.set(relative(dir, path).split(sep).join('/'), { type: TYPES[extname(name)]!, body: readFileSync(path) });
    }
  };
  walk(dir);
  return files;
}

const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export function registerDesk(server: Server, opts: DeskRouteOptions): DeskRoutes {
  const web = join(__dirname, 'web');
  const page = readFileSync(join(web, 'index.html'));
  const files = pageFiles(web);
  server.get('/agent', async (_req: Request, res: Response) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...PAGE_HEADERS });
    res.end(page);
  });
  server.get('/agent/*', async (req: Request, res: Response) => {
    const file = files.get(req.getPath().slice('/agent/'.length));
    if (!file) return refuse(res, 404, 'NotFound', 'no such file');
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache', ...PAGE_HEADERS });
    res.end(file.body);
  });

  const auth = new DeskAuth({
    agents: opts.agents,
    sessions: new DeskSessions(opts.records, DESK_SESSION_MS),
    records: opts.records,
    now: () => opts.now().getTime(),
    secureCookies: opts.secureCookies,
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    signedOut: async (agent) => opts.desk.signedOut?.(agent),
    log: opts.log,
  });
  const me = ({ agent, session }: Signed) => ({
    agent,
    csrf: session.csrf,
    dispositions: opts.desk.dispositions(),
    /** The server's clock: wait times are counted on it. */
    now: opts.now().toISOString(),
    /** Scripts that add panels to the card (web/panels/*.js: guided processes …). */
    panels: [...files.keys()].filter((f) => f.startsWith('panels/') && f.endsWith('.js')),
    queues: Object.entries(opts.queues()).map(([queue, info]) => ({ queue, label: info.label })),
    agents: opts.agents
      .all()
      .filter((a) => a.id !== agent.id)
      .map((a) => ({ id: a.id, name: a.name, queues: a.queues })),
  });
  auth.register(server, me);
  registerDeskApi(server, { desk: opts.desk, auth, events: opts.events, now: opts.now });
  // The queues an agent serves, for scripts and dashboards: the same session as the page.
  const queues = auth.guard(async (_req, res, { agent }) => {
    res.send(200, { queues: await opts.desk.queues(agent) });
  }, false);
  if (opts.queuesApi) server.get('/api/queues', queues);
  const streams = registerDeskEvents(server, opts.desk, auth, new DeskPresence(opts.records, opts.now));
  // Every instance sweeps offers that are due; the store's outbox lease gives each to one of them.
  opts.desk.offerSweep?.start();
  // Open event streams would hold server.close() forever: end them first.
  const close = server.close.bind(server);
  server.close = ((callback?: () => void) => {
    void opts.desk.offerSweep?.stop();
    streams.closeAll();
    return close(callback);
  }) as Server['close'];
  return {
    read: (path, handler) => server.get(path, auth.guard(handler, false)),
    change: (path, handler) => server.post(path, auth.guard(handler, true)),
    streams,
  };
}
