/**
 * The Azure Bot Service channel: `POST /api/messages` through botbuilder's
 * CloudAdapter. This is the only file that imports the Bot Framework SDK
 * (archived upstream), so swapping it for its successor touches nothing else.
 * botframework-channel.ts requires it on the channel's first request or
 * outbound message, not at start.
 *
 * Authentication is on whenever `MicrosoftAppId` is set (the SDK turns it
 * off when the id is empty; only demo mode starts that way, see config.ts,
 * and then replies stay on this machine). Errors never echo internal messages: CloudAdapter.process()
 * would send `err.message` in its 500 answers, so its response is captured
 * and a safe one written instead.
 *
 * It is also an {@link OutboundChannel}: the conversation reference of each
 * conversation's latest activity is kept (in memory, bounded), so an agent
 * can write into it later through `adapter.continueConversationAsync`.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  EventFactory,
  TurnContext,
  type Activity as SdkActivity,
  type ConversationReference,
  type Transcript,
} from 'botbuilder';
import type { Request, Response } from 'restify';
import type { Conversations } from '../engine/conversations';
import type { OutboundChannel, OutboundMessage, OutboundResult } from '../engine/outbound';
import type { Handoff } from '../engine/handoff-record';
import type { Json, Store } from '../engine/store';
import type { Logger } from '../log';
import { chat, inboundText, outboundActivities } from './activity';
import { StoredReferences } from './botframework-references';
import { runOnce } from './once';

export interface BotFrameworkOptions {
  conversations: Conversations;
  log: Logger;
  appId: string;
  appPassword: string;
  appType: string;
  tenantId: string;
  /** Where references and delivery records are kept, shared by every instance. */
  store: Pick<Store, 'histories' | 'deliveries'>;
  /** The clock, in milliseconds. */
  now: () => number;
  /** How long a conversation's reference is kept after its last activity. */
  ttlMs: number;
  /** The longest message text a turn sees (MESSAGE_MAX_CHARS). */
  maxMessageChars?: number;
}

/** A stand-in response that records what CloudAdapter wanted to answer. */
class CapturedResponse {
  statusCode = 200;
  body: unknown = undefined;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  send(body: unknown) {
    this.body = body;
    return this;
  }
  header() {
    return this;
  }
  end() {
    return this;
  }
}

/** What answers `POST /api/messages`, and the channel's outbound side (conversation ids `botframework:<channelId>:<id>`). */
export interface BotFramework extends OutboundChannel {
  handle(req: Request, res: Response): Promise<void>;
}

/** The adapter with its turn logic. */
export function botFramework(opts: BotFrameworkOptions): BotFramework {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: opts.appId,
    MicrosoftAppPassword: opts.appPassword,
    MicrosoftAppType: opts.appType,
    MicrosoftAppTenantId: opts.tenantId,
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    opts.log.error('botframework.turn_failed', { error: error.name });
    await context.sendActivity(opts.conversations.content().line('channel_error')).catch(() => undefined);
  };

  const references = new StoredReferences<Partial<ConversationReference>>(opts.store, opts.ttlMs, opts.now);
  const logic = async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    const conversationId = `botframework:${activity.channelId}:${activity.conversation.id}`;
    // Without credentials, only a loopback serviceUrl may be written to later (same rule as for replies).
    if (opts.appId || repliesStayLocal({ serviceUrl: activity.serviceUrl }))
      await references.remember(conversationId, TurnContext.getConversationReference(activity));
    // The connector delivers an activity again when it saw no answer: it runs once, on any instance.
    if (!activity.id) {
      await respond(context, conversationId);
      return;
    }
    const once = await runOnce(opts.store.deliveries, `${conversationId}:${activity.id}`, { ttlMs: opts.ttlMs, now: opts.now }, async () => {
      const sent = await respond(context, conversationId);
      return JSON.parse(JSON.stringify(sent)) as Json;
    });
    // A repeat whose replies travel in the response gets them again; otherwise they were posted already.
    if (once.status === 'done' && once.repeat && activity.deliveryMode === 'expectReplies')
      await context.sendActivities(once.answer as Partial<SdkActivity>[]);
  };

  /** Runs the activity's turn and sends the replies; returns what was sent. */
  const respond = async (context: TurnContext, conversationId: string): Promise<Partial<SdkActivity>[]> => {
    const activity = context.activity;
    let input: { text: string } | { event: 'start' } | null = null;
    if (activity.type === 'conversationUpdate' && activity.membersAdded?.some((m) => m.id !== activity.recipient.id))
      input = { event: 'start' };
    else {
      const text = inboundText({ type: activity.type, text: activity.text, value: activity.value }, opts.maxMessageChars);
      if (text !== null) input = { text };
    }
    if (!input) return [];
    // The channel's user id is not proof of who the customer is: no identity hint.
    const output = await opts.conversations.turn({ conversationId, channel: chat.name, capabilities: chat.capabilities, identity: null, ...input });
    const handoff = output.handoff?.handoff;
    // An agent hub on the channel gets the whole handoff, in the Bot Framework handoff protocol's event.
    const activities = outboundActivities(output).map((a) =>
      handoff && a.type === 'event' && a.name === 'handoff.initiate' ? handoffInitiation(context, handoff) : (a as Partial<SdkActivity>),
    );
    await context.sendActivities(activities);
    return activities;
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    if (!opts.appId && !repliesStayLocal(req.body)) {
      // Unauthenticated, the adapter would POST replies wherever `serviceUrl` points, internal addresses included.
      opts.log.warn('botframework.service_url_refused', { hint: 'without MicrosoftAppId, replies go only to a loopback serviceUrl or in the response (deliveryMode expectReplies)' });
      res.send(400, { error: { code: 'BadRequest', message: 'without credentials the bot replies only to a loopback serviceUrl or with deliveryMode expectReplies' } });
      return;
    }
    const captured = new CapturedResponse();
    try {
      await adapter.process(req as never, captured as never, logic);
    } catch (err) {
      // Malformed activities throw before authentication; answer without the reason.
      opts.log.warn('botframework.bad_request', { error: (err as Error).name });
      captured.status(400);
    }
    const status = captured.statusCode;
    if (status >= 400) {
      if (status >= 500) opts.log.error('botframework.request_failed', { status });
      const code = status === 401 ? 'Unauthorized' : status >= 500 ? 'InternalError' : 'BadRequest';
      res.send(status, { error: { code } });
      return;
    }
    if (captured.body !== undefined) res.send(status, captured.body);
    else {
      res.status(status);
      res.end();
    }
  };

  return {
    handle,
    async write(conversationId: string, message: OutboundMessage): Promise<OutboundResult> {
      const reference = await references.latest(conversationId);
      if (!reference) return 'unknown_conversation';
      // The bot's account sends; an agent's message shows the agent's name on it.
      const bot = message.from.kind === 'agent' ? { ...reference.bot!, name: message.from.name } : reference.bot!;
      let failed: Error | null = null;
      await adapter.continueConversationAsync(opts.appId, { ...reference, bot }, async (ctx) => {
        // Caught here, or onTurnError would swallow it and the caller would hear `delivered`.
        await ctx.sendActivity(message.typing ? { type: 'typing' } : { type: 'message', text: message.text }).catch((err: Error) => void (failed = err));
      });
      if (failed) {
        opts.log.error('botframework.outbound_failed', { error: (failed as Error).name });
        throw new Error('botframework: the connector did not take the message');
      }
      return 'delivered';
    },
  };
}

/**
 * The Bot Framework handoff protocol's `handoff.initiate` event
 * (`EventFactory.createHandoffInitiation`): the handoff without its
 * transcript in `value` (who, why, what the bot did, the summary, next best
 * actions, queue and priority), the transcript as its `Transcript` attachment.
 */
function handoffInitiation(context: TurnContext, handoff: Handoff): Partial<SdkActivity> {
  const { transcript, ...card } = handoff;
  const { from: user, recipient: bot, conversation, channelId } = context.activity;
  const transcriptActivities = transcript.map(
    (entry, i): Partial<SdkActivity> => ({
      type: 'message',
      id: `${handoff.id}-${i}`,
      channelId,
      conversation,
      timestamp: new Date(entry.at),
      from: entry.from === 'customer' ? { ...user, role: 'user' } : { ...bot, role: 'bot' },
      text: entry.text,
    }),
  );
  return EventFactory.createHandoffInitiation(context, card, { activities: transcriptActivities } as Transcript);
}

/**
 * Whether an unauthenticated activity's replies stay on this machine: they
 * come back in the response (`expectReplies`) or go to a loopback
 * `serviceUrl` (the Bot Framework Emulator's).
 */
export function repliesStayLocal(body: unknown): boolean {
  const activity = (body ?? {}) as { deliveryMode?: unknown; serviceUrl?: unknown };
  if (activity.deliveryMode === 'expectReplies') return true;
  if (typeof activity.serviceUrl !== 'string') return false;
  try {
    const host = new URL(activity.serviceUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
