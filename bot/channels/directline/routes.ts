/**
 * A Direct Line 3.0 endpoint inside the bot's own server, so Microsoft Web
 * Chat and other Direct Line clients work unchanged with no cloud account:
 *
 *   POST /v3/directline/tokens/generate            (secret) → token for a user
 *   POST /v3/directline/tokens/refresh             (token)  → fresh token
 *   POST /v3/directline/conversations              (token or secret) → start
 *   POST /v3/directline/conversations/:id/activities   send an activity
 *   GET  /v3/directline/conversations/:id/activities?watermark=N   poll
 *
 *   GET  /v3/directline/conversations/:id         (token)  → a fresh stream URL (reconnect)
 *   GET  /v3/directline/conversations/:id/stream?t=…       WebSocket stream of ActivitySets
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Conversations } from '../../engine/conversations';
import { unwatched, type CustomerStreams, type WatchedChannel } from '../../engine/customer-streams';
import type { OutboundChannel, OutboundMessage, OutboundResult } from '../../engine/outbound';
import type { IdentityHint } from '../../engine/ports';
import { redact } from '../../engine/redact';
import type { Logger } from '../../log';
import { TypingIndicator } from './typing';
import { chat, inboundText, outboundActivities, type Activity, type ChannelAccount } from '../activity';
import { MAX_MESSAGE_CHARS, takeMessage, type MessageRate } from '../limits';
import { runOnce, type OnceOptions } from '../once';
import { DirectLineConversations, type DirectLineConversation, type DirectLineStore } from './conversations';
import { DirectLineStreams } from './stream';
import { TokenSigner } from './tokens';

export interface DirectLineOptions {
  conversations: Conversations;
  /** Where histories, start and delivery records live, and the bus that wakes the streams of every instance. */
  store: DirectLineStore;
  secret: string;
  log: Logger;
  now?: () => Date;
  tokenTtlSeconds?: number;
  /** Conversations cached in this process (default 5000); the store keeps the rest. */
  maxConversations?: number;
  /** How long an idle conversation is cached and its history kept (default 60). */
  idleMinutes?: number;
  /** Largest activity accepted, in bytes (DIRECTLINE_MAX_ACTIVITY_BYTES). */
  maxActivityBytes?: number;
  /** The longest message text a turn sees (MESSAGE_MAX_CHARS). */
  maxMessageChars?: number;
  /** The public base URL, for stream URLs behind a proxy (else the request's Host). */
  publicUrl?: string;
  /** Messages one conversation may send: a burst, then so many a minute (default 20, then 30). */
  messageRate?: MessageRate;
  /** Told of the streams and polls: the desk finds who left while waiting (bot/desk/away.ts); default: nobody watches. */
  away?: CustomerStreams;
  /** The bot's typing shows once an answer has kept the customer waiting this long (WEBCHAT_TYPING_DELAY_MS; default 500). */
  typingDelayMs?: number;
}

/** Users whose id starts with this are anonymous visitors (Microsoft's convention for Direct Line). */
export const ANONYMOUS_PREFIX = 'dl_';

/** A fresh id for a visitor nobody signed in. */
export function anonymousUser(): string {
  return `${ANONYMOUS_PREFIX}${randomBytes(8).toString('hex')}`;
}

/** Who the token's user is: a signed-in customer the web site vouched for, or nobody. */
export function identityOf(user: string): IdentityHint | null {
  return user.startsWith(ANONYMOUS_PREFIX) ? null : { kind: 'customerId', value: user, authenticated: true };
}

const fail = (res: Response, status: number, code: string, message: string) => {
  res.send(status, { error: { code, message } });
};

export class DirectLine implements OutboundChannel {
  readonly signer: TokenSigner;
  readonly conversations: DirectLineConversations;
  readonly streams: DirectLineStreams;
  /** Where streams and polls are reported: the desk's watch on customers who closed the page while waiting (started in channel.ts). */
  readonly away: WatchedChannel;
  private readonly now: () => Date;
  private readonly secret: Buffer;
  private readonly onceOptions: OnceOptions;

  constructor(private readonly opts: DirectLineOptions) {
    this.now = opts.now ?? (() => new Date());
    this.secret = Buffer.from(opts.secret);
    this.signer = new TokenSigner(opts.secret, opts.tokenTtlSeconds ?? 1800, () => this.now().getTime());
    this.conversations = new DirectLineConversations(
      opts.store,
      { maxConversations: opts.maxConversations ?? 5000, idleMs: (opts.idleMinutes ?? 60) * 60_000 },
      this.now,
    );
    this.onceOptions = { ttlMs: (opts.idleMinutes ?? 60) * 60_000, now: () => this.now().getTime() };
    this.away = (opts.away ?? unwatched).watch('directline', (id) => this.conversations.lastFromUser(id));
    this.streams = new DirectLineStreams(this.conversations, opts.store.bus, this.signer, (id, user) => this.recover(id, user), opts.log, undefined, this.away, this.away.renewMs);
  }

  /**
   * A conversation this process does not hold (started on another instance, pushed out of the cache, or
   * from before a restart) while its token holds: its history is in the store.
   */
  private recover(id: string, user: string): DirectLineConversation {
    return this.conversations.create(id, user, true);
  }

  /** Appends activities to the history; every stream of the conversation, on any instance, is told. */
  private async append(conversation: DirectLineConversation, ...activities: Activity[]): Promise<string[]> {
    return this.conversations.add(conversation, activities);
  }

  /** Stops timers and closes the streams. */
  close(): void {
    this.streams.close();
    this.conversations.close();
  }

  /** Where a client connects the WebSocket stream of a conversation. */
  private streamUrl(req: Request, conversationId: string, token: string): string {
    const base = this.opts.publicUrl
      ? this.opts.publicUrl.replace(/^http/, 'ws').replace(/\/+$/, '')
      : `ws://${req.header('host') ?? 'localhost'}`;
    return `${base}/v3/directline/conversations/${encodeURIComponent(conversationId)}/stream?t=${encodeURIComponent(token)}`;
  }

  /**
   * A token for `user` in a new conversation (or, refreshing, in `conversationId`), as `tokens/generate` answers.
   * Nothing is stored until the client starts the conversation, so minting
   * tokens cannot push real conversations out of memory.
   */
  generate(user: string, conversationId = randomBytes(12).toString('base64url')): { conversationId: string; token: string; expires_in: number } {
    return { conversationId, token: this.signer.issue(user, conversationId), expires_in: this.signer.ttl };
  }

  register(server: Server): void {
    const base = '/v3/directline';
    const maxBytes = this.opts.maxActivityBytes ?? 64 * 1024;

    server.post(`${base}/tokens/generate`, async (req: Request, res: Response) => {
      if (!this.isSecret(req)) return fail(res, 403, 'Forbidden', 'a Direct Line secret is required');
      const body = (req.body ?? {}) as { user?: { id?: unknown } };
      const requested = typeof body.user?.id === 'string' && body.user.id.trim() ? body.user.id.trim() : null;
      res.send(200, this.generate(requested ?? anonymousUser()));
    });

    server.post(`${base}/tokens/refresh`, async (req: Request, res: Response) => {
      const claims = this.tokenOf(req);
      if (!claims) return fail(res, 403, 'Forbidden', 'a valid token is required');
      res.send(200, this.generate(claims.user, claims.conversation));
    });

    server.post(`${base}/conversations`, async (req: Request, res: Response) => {
      let conversation: DirectLineConversation | undefined;
      let token: string;
      let status = 201;
      if (this.isSecret(req)) {
        const user = anonymousUser();
        const generated = this.generate(user);
        conversation = this.conversations.create(generated.conversationId, user);
        token = generated.token;
      } else {
        const claims = this.tokenOf(req);
        if (!claims) return fail(res, 403, 'Forbidden', 'a valid token or secret is required');
        conversation = this.conversations.get(claims.conversation) ?? this.conversations.create(claims.conversation, claims.user);
        token = this.bearer(req)!;
        // Started here, on another instance, or before a restart: one welcome only.
        if (!conversation.started && !(await this.conversations.claimStart(conversation.id))) conversation.started = true;
        if (conversation.started) status = 200;
      }
      if (!conversation.started) {
        conversation.started = true;
        await this.deliver(conversation, { event: 'start' });
      }
      // The first stream delivers the conversation from its start (the welcome is already there).
      const streamUrl = `${this.streamUrl(req, conversation.id, token)}&watermark=0`;
      res.send(status, { conversationId: conversation.id, token, expires_in: this.signer.ttl, streamUrl });
    });

    // Reconnect: a fresh stream URL for an existing conversation.
    server.get(`${base}/conversations/:id`, async (req: Request, res: Response) => {
      const conversation = await this.authorized(req, res);
      if (!conversation) return;
      // A page resuming a conversation whose history has expired (STATE_TTL_MINUTES) starts a new one instead.
      if (!(await this.conversations.exists(conversation.id)))
        return fail(res, 404, 'NotFound', 'conversation not found or expired');
      const token = this.bearer(req)!;
      const watermark = (req.query as { watermark?: string } | undefined)?.watermark;
      const url = this.streamUrl(req, conversation.id, token) + (watermark ? `&watermark=${encodeURIComponent(watermark)}` : '');
      res.send(200, { conversationId: conversation.id, token, expires_in: this.signer.ttl, streamUrl: url });
    });

    server.post(`${base}/conversations/:id/activities`, async (req: Request, res: Response) => {
      const conversation = await this.authorized(req, res);
      if (!conversation) return;
      const length = Number(req.header('content-length') ?? 0);
      const raw = (req as Request & { rawBody?: string | Buffer }).rawBody;
      if (length > maxBytes || (raw && Buffer.byteLength(raw) > maxBytes))
        return fail(res, 413, 'MessageSizeTooBig', `an activity may be at most ${maxBytes} bytes`);
      const activity = req.body as Activity | undefined;
      if (!activity || typeof activity !== 'object' || Array.isArray(activity) || typeof activity.type !== 'string')
        return fail(res, 400, 'BadArgument', 'the body must be an activity with a type');
      // The customer's typing is live news for the agent holding the chat: never history, never deduplicated.
      if (activity.type === 'typing') {
        res.send(200, { id: await this.customerTyping(conversation) });
        return;
      }
      const receive = async (): Promise<string> => {
        // One conversation cannot keep the bot busy for everyone: a person types far slower than this.
        // Counted in the store: every instance takes from the same budget.
        if (activity.type === 'message' && !(await takeMessage(this.opts.store.records, `directline:${conversation.id}`, this.now().getTime(), this.opts.messageRate)))
          throw new TooManyMessages();
        const claims = this.tokenOf(req);
        // The customer is who the token says, whatever `from` claims.
        const from = { id: claims?.user ?? conversation.user, role: 'user' as const };
        const text = inboundText(activity, this.opts.maxMessageChars);
        // A message's echo reaches the stream with the answer in one frame (Web Chat shows the message as sent when
        // its echo arrives: a slow answer's typing, after WEBCHAT_TYPING_DELAY_MS, brings it sooner). With no answer
        // (a person holds the chat, the bot stays silent) or a turn that failed, it goes on its own.
        const [id] = await this.conversations.add(conversation, [{ ...sanitize(activity, this.opts.maxMessageChars ?? MAX_MESSAGE_CHARS), from }], text !== null);
        if (text !== null) {
          let answered = false;
          try {
            answered = (await this.deliver(conversation, { text })) > 0;
          } finally {
            if (!answered) await this.conversations.tell(conversation.id);
          }
        }
        // The customer closed the chat: a place still waiting in a queue is given up.
        else if (activity.type === 'endOfConversation') await this.opts.conversations.left(`directline:${conversation.id}`);
        return id!;
      };
      try {
        // Web Chat sends a message again, with the same clientActivityID, when it saw no answer: it runs once, on any instance.
        const clientId = clientActivityId(activity);
        const once = clientId
          ? await runOnce(this.opts.store.deliveries, `directline:${conversation.id}:${clientId}`, this.onceOptions, receive)
          : ({ status: 'done', answer: await receive() } as const);
        if (once.status === 'in_progress') return fail(res, 409, 'Conflict', 'this activity is still being processed; send it again in a moment');
        res.send(200, { id: once.answer });
      } catch (err) {
        if (!(err instanceof TooManyMessages)) throw err;
        fail(res, 429, 'TooManyRequests', 'too many messages in this conversation; wait a few seconds and send again');
      }
    });

    server.get(`${base}/conversations/:id/activities`, async (req: Request, res: Response) => {
      const conversation = await this.authorized(req, res);
      if (!conversation) return;
      const watermark = Number((req.query as { watermark?: string } | undefined)?.watermark ?? 0);
      if (!Number.isInteger(watermark) || watermark < 0) return fail(res, 400, 'BadArgument', 'watermark must be a whole number');
      await this.away.polled(conversation.id);
      res.send(200, await this.conversations.since(conversation.id, watermark));
    });
  }

  /** Passes the customer's typing on (at most one every 2 s: Web Chat sends one every 3 s); the id answered is not in the history. */
  private async customerTyping(conversation: DirectLineConversation): Promise<string> {
    const now = this.now().getTime();
    if (conversation.typingAt === undefined || now - conversation.typingAt >= 2000) {
      conversation.typingAt = now;
      await this.opts.conversations.customerTyping(`directline:${conversation.id}`);
    }
    return `${conversation.id}|typing`;
  }

  /** Runs a turn and appends the bot's activities to the conversation; how many it appended. */
  private async deliver(conversation: DirectLineConversation, input: { text?: string; event?: 'start' }): Promise<number> {
    const bot = this.bot();
    const conversationId = `directline:${conversation.id}`;
    // The typing indicator, for an answer that keeps the customer waiting; for a message, not while a person holds the
    // chat (the bot stays silent): the turn says so once it has the state, so a message costs one state load.
    const typing = new TypingIndicator(() => this.append(conversation, { type: 'typing', from: bot }), this.opts.log, this.opts.typingDelayMs);
    if (input.text === undefined) typing.start();
    const output = await this.opts.conversations
      .turn(
        { conversationId, channel: chat.name, capabilities: chat.capabilities, identity: identityOf(conversation.user), ...input },
        input.text === undefined ? {} : { answering: async () => typing.start() },
      )
      .finally(() => typing.stop());
    return (await this.append(conversation, ...outboundActivities(output).map((activity) => ({ ...activity, from: bot })))).length;
  }

  /** The assistant as the customer sees it, named as the content in force names it. */
  private bot(): ChannelAccount {
    return { id: 'frontline', name: this.opts.conversations.content().botName, role: 'bot' };
  }

  /**
   * Writes into a conversation from outside a turn: appended to its history
   * (GET activities) and pushed to its stream. An agent's message carries the
   * agent's display name; the bot's own, the bot's.
   */
  async write(conversationId: string, message: OutboundMessage): Promise<OutboundResult> {
    const id = conversationId.replace(/^directline:/, '');
    // Started on any instance: its history is in the store.
    const conversation = this.conversations.get(id) ?? ((await this.conversations.exists(id)) ? { id, user: '', started: true } : null);
    if (!conversation) return 'unknown_conversation';
    const from: ChannelAccount =
      message.from.kind === 'agent' ? { id: `agent:${message.from.name}`, name: message.from.name, role: 'bot' } : this.bot();
    await this.append(conversation, message.typing ? { type: 'typing', from } : { type: 'message', text: message.text, from });
    return 'delivered';
  }

  private bearer(req: Request): string | null {
    const m = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '');
    return m ? m[1]!.trim() : null;
  }

  private isSecret(req: Request): boolean {
    const given = Buffer.from(this.bearer(req) ?? '');
    return given.length === this.secret.length && timingSafeEqual(given, this.secret);
  }

  private tokenOf(req: Request) {
    const token = this.bearer(req);
    return token ? this.signer.verify(token) : null;
  }

  /** The conversation of the URL, if the caller may use it; otherwise answers 403/404 and returns null. */
  private async authorized(req: Request, res: Response): Promise<DirectLineConversation | null> {
    const id = String(req.params.id ?? '');
    const claims = this.tokenOf(req);
    if (!claims && !this.isSecret(req)) {
      fail(res, 403, 'Forbidden', 'a valid token or secret is required');
      return null;
    }
    if (claims && claims.conversation !== id) {
      fail(res, 403, 'Forbidden', 'the token is for another conversation');
      return null;
    }
    const conversation = this.conversations.get(id);
    if (conversation) return conversation;
    // Not held here (another instance, pushed out of the cache, a restart) but the token holds: the store has it.
    if (claims) return this.recover(id, claims.user);
    // With the secret, the conversation must exist; its visitor was anonymous, so a fresh anonymous id stands in.
    if (await this.conversations.exists(id)) return this.recover(id, anonymousUser());
    fail(res, 404, 'NotFound', 'conversation not found or expired');
    return null;
  }
}

/** A message over the conversation's budget (answered 429; a retry may run later). */
class TooManyMessages extends Error {
  override name = 'TooManyMessages';
}

/** Web Chat's id for an activity it sends, the same on each retry. */
function clientActivityId(activity: Activity): string | null {
  const data = activity.channelData as { clientActivityID?: unknown } | undefined;
  const id = data && typeof data === 'object' ? data.clientActivityID : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : null;
}

/** Keeps what a client may send and nothing that could impersonate the bot. */
function sanitize(activity: Activity, maxChars: number): Activity {
  const { type, text, value, name, attachments, channelData } = activity;
  return {
    type,
    // The stored copy is what the client reads back: card numbers never stay in it.
    ...(typeof text === 'string' ? { text: redact(text.slice(0, maxChars)) } : {}),
    ...(value !== undefined ? { value: typeof value === 'string' ? redact(value) : value } : {}),
    ...(typeof name === 'string' ? { name } : {}),
    ...(Array.isArray(attachments) ? { attachments } : {}),
    ...(channelData !== undefined ? { channelData } : {}),
  };
}
