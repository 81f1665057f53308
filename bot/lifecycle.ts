/**
 * Readiness and graceful shutdown of the HTTP server. Readiness is false
 * until the content is loaded and the store answers, and false again once
 * shutting down. Shutdown stops accepting, closes the open streams (Web Chat
 * reconnects with its watermark, to another instance or after the restart),
 * lets the requests in flight (turns) finish, then closes what is left.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'restify';
import type { Logger } from './log';

/** How long readiness waits for the store to answer before calling it down. */
const PING_TIMEOUT_MS = 1000;
/** How often a shutdown looks whether the last turn finished. */
const DRAIN_POLL_MS = 25;

export interface ReadinessChecks {
  /** Content loaded and the model trained. */
  content: boolean;
  /** The store answered `ping()`. */
  store: boolean;
  /** Not shutting down. */
  accepting: boolean;
}

/** A response that is a stream (Server-Sent Events): it never ends by itself, so a drain does not wait for it. */
function isStream(res: ServerResponse): boolean {
  return /text\/event-stream/.test(String(res.getHeader('content-type') ?? ''));
}

export class Lifecycle {
  private stopping = false;
  private readonly inFlight = new Set<ServerResponse>();

  constructor(
    private readonly server: Server,
    private readonly deps: { contentLoaded: () => boolean; ping: () => Promise<void>; log: Logger },
  ) {
    server.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    });
  }

  /**
   * `GET /livez`: the process answers (as `/healthz` does). `GET /readyz`: 200
   * with the checks when ready for traffic, 503 with them when not.
   */
  register(server: Server): void {
    server.get('/livez', (_req, res, next) => {
      res.send(200, { status: 'ok' });
      return next();
    });
    server.get('/readyz', async (_req, res) => {
      const checks = await this.readiness();
      const ready = checks.content && checks.store && checks.accepting;
      res.send(ready ? 200 : 503, { ready, ...checks });
    });
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Requests still being answered, streams not counted. */
  get busy(): number {
    let n = 0;
    for (const res of this.inFlight) if (!isStream(res)) n += 1;
    return n;
  }

  /** What readiness is made of; ready when all are true. */
  async readiness(): Promise<ReadinessChecks> {
    const content = this.deps.contentLoaded();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('store ping timed out')), PING_TIMEOUT_MS)));
    const store = await Promise.race([this.deps.ping(), late]).then(
      () => true,
      () => false,
    );
    clearTimeout(timer);
    return { content, store, accepting: !this.stopping };
  }

  /**
   * Stops accepting connections, closes the streams (`closeStreams`), waits up to `drainMs`
   * for the requests in flight, then ends every connection left. Resolves
   * whether every request finished in time.
   */
  async shutdown(closeStreams: () => Promise<void>, drainMs: number): Promise<boolean> {
    this.stopping = true;
    const http = this.server.server;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    const streamsClosed = closeStreams();
    const until = Date.now() + drainMs;
    while (this.busy > 0 && Date.now() < until) {
      // Keep-alive connections that finished their request go now; busy ones after their answer.
      http.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    const left = this.busy;
    if (left > 0) this.deps.log.warn('shutdown.drain_timeout', { requests: left, drainMs });
    await streamsClosed;
    http.closeAllConnections();
    await closed;
    return left === 0;
  }
}
