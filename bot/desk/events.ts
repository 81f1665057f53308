/**
 * Live updates for the desk page as Server-Sent Events: what `desk.subscribe`
 * reports for this agent, one `event:` per DeskEvent kind. The desk reads the
 * store again on each event, so an event lost on a reconnect costs nothing:
 * the page re-reads its lists when the stream opens.
 */
import type { Request, Response, Server } from 'restify';
import type { DeskAuth } from './auth';
import type { Desk } from './desk';
import type { DeskPresence } from './presence';

export interface DeskStreams {
  /** Ends every open stream (the server is closing). */
  closeAll(): void;
  /** Open streams now (for tests and figures). */
  readonly open: number;
}

export function registerDeskEvents(server: Server, desk: Desk, auth: DeskAuth, presence: DeskPresence, heartbeatMs = 20_000): DeskStreams {
  const streams = new Set<() => void>();
  server.get(
    '/api/desk/events',
    auth.guard(async (req: Request, res: Response, signed) => {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        // Proxies must not buffer a stream.
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 3000\n\nevent: ready\ndata: {}\n\n');
      const unsubscribe = desk.subscribe(signed.agent, (event) => {
        res.write(`event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      // Presence is a courtesy to customers (an honest wait): a store that fails it costs the stream nothing.
      const agentId = signed.agent.id;
      presence.opened(agentId).catch(() => undefined);
      // A comment line keeps idle connections open through proxies; a signed-out session stops here.
      const heartbeat = setInterval(() => {
        void auth.signed(req).then(
          (still) => {
            if (!still) return stop();
            res.write(': ping\n\n');
            presence.here(agentId).catch(() => undefined);
          },
          () => stop(),
        );
      }, heartbeatMs);
      heartbeat.unref();
      const stop = () => {
        if (!streams.delete(stop)) return;
        clearInterval(heartbeat);
        unsubscribe();
        presence.closed(agentId).catch(() => undefined);
        res.end();
      };
      streams.add(stop);
      req.on('close', stop);
    }, false),
  );
  return {
    closeAll: () => [...streams].forEach((stop) => stop()),
    get open() {
      return streams.size;
    },
  };
}
