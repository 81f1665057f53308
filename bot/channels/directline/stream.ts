/**
 * The Direct Line WebSocket stream: `GET /v3/directline/conversations/{id}/stream?t={token}`
 * upgrades to a WebSocket that pushes each new ActivitySet (`{activities, watermark}`)
 * as it is added, and an empty message now and then to keep the connection
 * alive. One stream per conversation: a second one closes the first
 * ("collision"), as Direct Line does.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../log';
import type { DirectLineConversation, DirectLineConversations } from './conversations';
import type { TokenSigner } from './tokens';

const path = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;

export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly open = new Map<string, WebSocket>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly conversations: DirectLineConversations,
    private readonly signer: TokenSigner,
    private readonly recover: (id: string, user: string) => DirectLineConversation,
    private readonly log: Logger,
    keepAliveMs = 30_000,
  ) {
    this.keepAlive = setInterval(() => {
      for (const ws of this.open.values()) ws.send('');
    }, keepAliveMs);
    this.keepAlive.unref();
  }

  /** Whether this upgrade request is ours; answers it (101 or 403/404) if so. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = path.exec(url.pathname);
    if (!m) return false;
    const id = decodeURIComponent(m[1]!);
    const claims = this.signer.verify(url.searchParams.get('t') ?? '');
    if (!claims || claims.conversation !== id) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    const conversation = this.conversations.get(id) ?? this.recover(id, claims.user);
    const watermark = Number(url.searchParams.get('watermark') ?? NaN);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.open.get(id)?.close(1000, 'collision');
      this.open.set(id, ws);
      ws.on('close', () => {
        if (this.open.get(id) === ws) this.open.delete(id);
      });
      ws.on('error', () => ws.terminate());
      // Reconnecting with a watermark replays what was missed.
      if (Number.isInteger(watermark) && watermark >= 0) {
        const backlog = this.conversations.since(conversation, watermark);
        if (backlog.activities.length) ws.send(JSON.stringify(backlog));
      }
    });
    return true;
  }

  /** Pushes the activities added since `watermark` to the conversation's stream, if one is open. */
  push(conversation: DirectLineConversation, watermark: number): void {
    const ws = this.open.get(conversation.id);
    if (!ws || ws.readyState !== ws.OPEN) return;
    const set = this.conversations.since(conversation, watermark);
    if (set.activities.length) ws.send(JSON.stringify(set), (err) => err && this.log.warn('directline.stream_send_failed', { error: err.name }));
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const ws of this.open.values()) ws.terminate();
    this.wss.close();
  }
}
