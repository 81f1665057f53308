/**
 * The Direct Line WebSocket stream: `GET /v3/directline/conversations/{id}/stream?t={token}`
 * upgrades to a WebSocket that pushes each new ActivitySet (`{activities, watermark}`)
 * as it is added, and an empty message and a ping now and then to keep the
 * connection alive (a stream that does not answer is cut). One stream per conversation: a second one, on any instance, closes
 * the first ("collision"), as Direct Line does; the opening is published on
 * the bus to every instance. While a stream lives its instance renews its
 * lease in the store (the hooks: the CustomerStreams port, whose rule is the
 * desk's, bot/desk/away.ts), so an instance killed with its streams stops
 * counting as holding them within the lease.
 *
 * A stream reads the history from the store, from its own watermark on,
 * whenever the bus says "look again" for its conversation: a reply produced
 * on another instance reaches it the same way as one produced here.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Bus } from '../../engine/bus';
import type { StreamReports } from '../../engine/customer-streams';
import type { Logger } from '../../log';
import { streamTopic, type DirectLineConversation, type DirectLineConversations } from './conversations';
import type { TokenSigner } from './tokens';

const path = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;

/** One open stream: what it has sent, and whether a read is under way. */
interface OpenStream {
  /** Its id, as the lease in the store and the bus name it. */
  id: string;
  ws: WebSocket;
  /** Closed because a newer stream of the conversation opened: no sign the customer went. */
  superseded: boolean;
  /** The watermark of the next activity to send; null until the stream knows where it starts. */
  sent: number | null;
  /** The history's length as the bus last told it (undefined: not told yet): up to there, a read may use what this process appended. */
  known?: number;
  reading: boolean;
  again: boolean;
  /** A read is due once the event loop turns (see `wake`). */
  woken: boolean;
  /** The page answered the last keep-alive ping (or none was sent yet). */
  answered: boolean;
  unsubscribe: () => void;
}

/** Told when a conversation's stream opens, lives on (every `renewMs`) and closes, by the stream's id (the channel's reports). */
type StreamHooks = Omit<StreamReports, 'polled'>;

/** What the bus carries on a conversation's topic when a stream opens (anything else there means "look again"). */
interface Opening {
  opened: string;
}
const isOpening = (message: unknown): message is Opening =>
  typeof message === 'object' && message !== null && typeof (message as Partial<Opening>).opened === 'string';

export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly open = new Map<string, OpenStream>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly renewing: NodeJS.Timeout;

  constructor(
    private readonly conversations: DirectLineConversations,
    private readonly bus: Bus,
    private readonly signer: TokenSigner,
    private readonly recover: (id: string, user: string) => DirectLineConversation,
    private readonly log: Logger,
    keepAliveMs = 30_000,
    private readonly hooks?: StreamHooks,
    renewMs = 15_000,
  ) {
    this.keepAlive = setInterval(() => this.heartbeat(), keepAliveMs);
    this.keepAlive.unref();
    this.renewing = setInterval(() => void this.renew(), renewMs);
    this.renewing.unref();
  }

  /** Renews the lease of every stream this instance holds (the heartbeat; runs every `renewMs`). */
  async renew(): Promise<void> {
    await Promise.all([...this.open].map(([id, stream]) => this.tell('renewed', id, stream.id)));
  }

  /**
   * The keep-alive (every `keepAliveMs`): an empty message, as Direct Line sends, and a ping, which browsers
   * answer by themselves. A stream that did not answer the previous ping is cut: a page gone without a word
   * (a dropped network, a laptop asleep) would otherwise hold its stream, and its lease, until TCP gave up.
   */
  heartbeat(): void {
    for (const s of this.open.values()) {
      if (!s.answered) {
        s.ws.terminate();
        continue;
      }
      s.answered = false;
      s.ws.send('');
      s.ws.ping();
    }
  }

  /** How many streams this instance holds open. */
  get size(): number {
    return this.open.size;
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
    if (!this.conversations.get(id)) this.recover(id, claims.user);
    const watermark = Number(url.searchParams.get('watermark') ?? NaN);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.supersede(id);
      const stream: OpenStream = { id: randomBytes(8).toString('hex'), ws, superseded: false, sent: null, reading: false, again: false, woken: false, answered: true, unsubscribe: () => undefined };
      stream.unsubscribe = this.bus.subscribe(streamTopic(id), (message) => {
        if (typeof message === 'number') stream.known = Math.max(stream.known ?? 0, message);
        if (!isOpening(message)) return this.wake(id, stream);
        // A newer stream opened, here or on another instance: this one gives way.
        if (message.opened !== stream.id && this.open.get(id) === stream) this.supersede(id);
      });
      this.open.set(id, stream);
      void this.tell('opened', id, stream.id);
      this.bus.publish(streamTopic(id), { opened: stream.id }).catch((err: unknown) => this.log.warn('directline.stream_note_failed', { error: (err as Error).name }));
      ws.on('close', () => {
        stream.unsubscribe();
        if (this.open.get(id) === stream) this.open.delete(id);
        // A stream closed by a newer one ("collision") is no sign the customer went.
        if (!stream.superseded) void this.tell('closed', id, stream.id);
      });
      ws.on('error', () => ws.terminate());
      ws.on('pong', () => (stream.answered = true));
      void this.begin(id, stream, Number.isInteger(watermark) && watermark >= 0 ? watermark : null);
    });
    return true;
  }

  /** Closes this instance's stream of the conversation, if any: a newer one holds it. */
  private supersede(id: string): void {
    const old = this.open.get(id);
    if (!old) return;
    old.superseded = true;
    this.open.delete(id);
    old.ws.close(1000, 'collision');
  }

  private async tell(what: keyof StreamHooks, id: string, stream: string): Promise<void> {
    await this.hooks?.[what](id, stream).catch((err: unknown) => this.log.warn('directline.stream_note_failed', { error: (err as Error).name }));
  }

  /** Listens before it reads, so nothing added in between is missed; a watermark replays what was missed. */
  private async begin(id: string, stream: OpenStream, watermark: number | null): Promise<void> {
    try {
      await this.bus.subscribed();
      stream.sent = watermark ?? (await this.conversations.count(id));
    } catch (err) {
      this.log.warn('directline.stream_start_failed', { error: (err as Error).name });
      stream.ws.close(1011, 'unavailable');
      return;
    }
    await this.pump(id, stream);
  }

  /**
   * "Look again", read once the event loop turns: a turn appends the customer's echo, the typing and the
   * replies one after another, and when it needs nothing slower than the store they leave as one read and
   * one frame instead of three (a turn that waits on the CI system still shows the typing at once).
   */
  private wake(id: string, stream: OpenStream): void {
    if (stream.woken) return;
    stream.woken = true;
    setImmediate(() => {
      stream.woken = false;
      void this.pump(id, stream);
    });
  }

  /** Sends what the history holds past the stream's watermark; one read at a time, again if told meanwhile. */
  private async pump(id: string, stream: OpenStream): Promise<void> {
    if (stream.sent === null) return;
    if (stream.reading) {
      stream.again = true;
      return;
    }
    stream.reading = true;
    try {
      do {
        stream.again = false;
        const set = await this.conversations.since(id, stream.sent, stream.known);
        if (stream.ws.readyState !== stream.ws.OPEN) return;
        if (!set.activities.length) continue;
        stream.sent = Number(set.watermark);
        // A full page may have more behind it; anything added since the read has set `again` itself.
        if (set.activities.length >= this.conversations.pageSize) stream.again = true;
        stream.ws.send(JSON.stringify(set), (err) => err && this.log.warn('directline.stream_send_failed', { error: err.name }));
      } while (stream.again);
    } catch (err) {
      this.log.warn('directline.stream_read_failed', { error: (err as Error).name });
    } finally {
      stream.reading = false;
    }
  }

  /**
   * Closes every stream with 1001 (going away) for a shutdown: Web Chat
   * reconnects with its watermark and misses nothing. Resolves once all are
   * closed; a client that does not answer within `graceMs` is cut off.
   */
  async goingAway(graceMs = 1000): Promise<void> {
    const closing = [...this.open.values()].map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1001, 'going away');
        }),
    );
    await Promise.all(closing);
  }

  close(): void {
    clearInterval(this.keepAlive);
    clearInterval(this.renewing);
    for (const s of this.open.values()) {
      s.unsubscribe();
      s.ws.terminate();
    }
    this.wss.close();
  }
}
