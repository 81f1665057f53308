/**
 * The yardstick of `npm run bench:load`: a bare restify server that answers
 * the same requests as the bot — a Direct Line conversation with a
 * WebSocket stream, an activity answered by one message on it, a voice
 * webhook answered by fixed TwiML — with no engine, store, check or log
 * behind them. The bot's turns/s over this one's is comparable across machines.
 */
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { WebSocketServer, type WebSocket } from 'ws';

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf speech" action="/api/voice/gather"><Say>OK.</Say></Gather></Response>';

export async function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = restify.createServer({ name: 'bare', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  const wss = new WebSocketServer({ noServer: true });
  const streams = new Map<string, WebSocket>();
  let next = 0;
  const reply = (id: string, watermark: number) =>
    streams.get(id)?.send(JSON.stringify({ activities: [{ type: 'message', from: { id: 'bot', role: 'bot' }, text: 'OK.' }], watermark: String(watermark) }));

  server.post('/v3/directline/conversations', (_req, res, n) => {
    const id = `c${(next += 1)}`;
    res.send(201, { conversationId: id, token: 't', streamUrl: `ws://bare/v3/directline/conversations/${id}/stream?t=t&watermark=0` });
    return n();
  });
  server.post('/v3/directline/conversations/:id/activities', (req, res, n) => {
    reply(req.params.id as string, 1);
    res.send(200, { id: `${req.params.id as string}|1` });
    return n();
  });
  const twiml = (_req: restify.Request, res: restify.Response, n: restify.Next) => {
    res.setHeader('content-type', 'text/xml');
    res.sendRaw(200, TWIML);
    return n();
  };
  server.post('/api/voice', twiml);
  server.post('/api/voice/gather', twiml);
  server.post('/api/voice/status', twiml);
  server.server.on('upgrade', (req, socket, head) => {
    const id = /conversations\/([^/]+)\/stream/.exec(req.url ?? '')?.[1] ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => {
      streams.set(id, ws);
      ws.on('close', () => streams.delete(id));
      reply(id, 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const ws of streams.values()) ws.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}
