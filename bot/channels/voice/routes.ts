/**
 * Twilio Voice webhooks: `POST /api/voice` is the number's voice URL, its
 * action and status URLs live under it. Every request is signature-checked
 * first (403 and nothing changes otherwise), answered from a cache when
 * Twilio delivers it twice, and answered within a deadline well inside
 * Twilio's 15 seconds.
 */
import { createHash } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { ChannelDeclaration } from '../../engine/capabilities';
import type { Conversations } from '../../engine/conversations';
import type { SmsSender } from '../../engine/ports';
import type { Deliveries } from '../../engine/store';
import type { TurnInput, TurnOutput } from '../../engine/turn';
import type { Logger } from '../../log';
import { hasValidSignature } from './signature';
import { textLinks } from './sms-links';
import { spokenDigits } from './spoken-digits';
import { deadlineTwiml, renderTwiml, type TwimlOptions, type VoiceHandoffMode } from './twiml';
import { cutMessage } from '../limits';
import { runOnce } from '../once';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** A phone call: replies are heard; links go by text message. */
export const voice: ChannelDeclaration = { name: 'voice', capabilities: ['speech', 'sms'] };

export interface VoiceOptions {
  conversations: Conversations;
  log: Logger;
  /** Null when signature checks are off (development only, announced at start-up). */
  verify: { authToken: string; publicUrl: string } | null;
  handoff: VoiceHandoffMode;
  sms: SmsSender;
  /** Where a request's answer is kept, so Twilio's repeat runs nothing on any instance. */
  deliveries: Deliveries;
  /** How long a turn may take before the caller is put through to a person. */
  deadlineMs: number;
  /** How long the caller waits for the SMS API before hearing that the text is on its way (default 1500). */
  smsWaitMs?: number;
  ttsVoice?: string;
  /** Absolute base for action URLs (PUBLIC_URL), or '' for relative ones. */
  publicUrl: string;
  /** The longest message text a turn sees (MESSAGE_MAX_CHARS). */
  maxMessageChars?: number;
  /** The injected clock: when a call ended is stamped by it. */
  now?: () => Date;
}

export type CallOutcome = 'completed_in_bot' | 'handed_off' | 'hung_up';

export interface CallRecord {
  callSid: string;
  status: string;
  outcome: CallOutcome;
  at: string;
}

type Params = Record<string, string>;

export class VoiceChannel {
  /** Requests being answered in this process: a repeat arriving meanwhile shares the answer (bounded by what is in flight). */
  private readonly inFlight = new Map<string, Promise<string>>();
  /** How calls ended, newest last (bounded). */
  readonly calls: CallRecord[] = [];

  constructor(private readonly opts: VoiceOptions) {}

  register(server: Server): void {
    const xml = (res: Response, twiml: string) => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(twiml);
    };
    const guarded =
      (handle: (params: Params, req: Request) => Promise<string>, failed = (params: Params, err: unknown) => this.failed(params, err)) =>
      async (req: Request, res: Response): Promise<void> => {
        if (this.opts.verify && !hasValidSignature(req, this.opts.verify.authToken, this.opts.verify.publicUrl)) {
          this.opts.log.warn('voice.bad_signature', { path: req.getPath() });
          res.send(403, { error: { code: 'Forbidden', message: 'invalid Twilio signature' } });
          return;
        }
        const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Params;
        if (!params.CallSid) {
          res.send(400, { error: { code: 'BadRequest', message: 'CallSid missing' } });
          return;
        }
        const where = `${req.getPath()}?${req.getQuery() ?? ''}`;
        xml(res, await this.once(where, params, () => handle(params, req)).catch((err: unknown) => failed(params, err)));
      };

    server.post('/api/voice', guarded((p) => this.turn(p, { event: 'start' })));
    server.post(
      '/api/voice/gather',
      guarded((p) => {
        const speech = cutMessage((p.SpeechResult ?? '').trim(), this.opts.maxMessageChars);
        const digits = (p.Digits ?? '').trim();
        const input: Partial<TurnInput> = digits
          ? { digits }
          : speech
            ? { text: spokenDigits(speech), ...(p.Confidence !== undefined && p.Confidence !== '' ? { speechConfidence: Number(p.Confidence) } : {}) }
            : { event: 'no_input' };
        return this.turn(p, input);
      }),
    );
    server.post(
      '/api/voice/status',
      guarded(
        async (p) => {
          await this.recordEnd(p);
          return EMPTY_TWIML;
        },
        // The call has ended: there is nobody to put through, and Twilio does not repeat a status callback.
        (p, err) => {
          this.opts.log.error('voice.status_failed', { callSid: p.CallSid, status: p.CallStatus, error: (err as Error).name });
          return Promise.resolve(EMPTY_TWIML);
        },
      ),
    );
  }

  /**
   * The same request twice (Twilio retries) gets the same answer and runs once, on any instance: the answer is
   * kept in the store's delivery records for 15 minutes. A repeat that finds the first still at work elsewhere
   * waits up to the deadline, then the caller is put through to a person.
   */
  private once(path: string, params: Params, work: () => Promise<string>): Promise<string> {
    const key = createHash('sha256')
      .update(path)
      .update(JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]])))
      .digest('hex');
    const running = this.inFlight.get(key);
    if (running) return running;
    const now = () => (this.opts.now?.() ?? new Date()).getTime();
    const pending = runOnce(this.opts.deliveries, `voice:${key}`, { ttlMs: 15 * 60_000, now, waitMs: this.opts.deadlineMs }, work).then((once) =>
      once.status === 'done' ? once.answer : this.stillRunning(params),
    );
    this.inFlight.set(key, pending);
    void pending.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    return pending;
  }

  /**
   * The request could not be answered at all (the store does not answer, so neither the repeat record nor the
   * conversation can be read): the caller hears the apology and is put through to a person with what is known,
   * instead of Twilio's "an application error has occurred" and a hang-up.
   */
  private failed(p: Params, err: unknown): Promise<string> {
    this.opts.log.error('voice.request_failed', { callSid: p.CallSid, error: (err as Error).name });
    return this.putThroughNow(p, 'The bot could not answer: its store was unavailable', 'error');
  }

  /** The first delivery of this request is still at work on another instance past the deadline. */
  private stillRunning(p: Params): Promise<string> {
    this.opts.log.error('voice.repeat_unanswered', { callSid: p.CallSid });
    return this.putThroughNow(p, 'The bot did not answer in time', 'no_input_handoff');
  }

  /** The caller hears `line` and is put through to a person, routed from what the conversation holds now. */
  private async putThroughNow(p: Params, reason: string, line: 'error' | 'no_input_handoff'): Promise<string> {
    const { conversations } = this.opts;
    const route = await conversations.routeNow(`voice:${p.CallSid}`, voice.name, reason);
    return deadlineTwiml(this.twimlOptions(), conversations.content().line(line), route);
  }

  private twimlOptions(turn = 0): TwimlOptions {
    const content = this.opts.conversations.content();
    return {
      // The turn number tells a new answer from Twilio retrying the last one.
      action: `${this.opts.publicUrl.replace(/\/+$/, '')}/api/voice/gather?turn=${turn}`,
      language: content.language,
      ...(this.opts.ttsVoice ? { voice: this.opts.ttsVoice } : {}),
      hints: content.speechHints,
      handoff: this.opts.handoff,
      choices: { choice: content.line('choice_spoken'), or: content.line('list_or') },
    };
  }

  private async turn(p: Params, input: Partial<TurnInput>): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.opts.deadlineMs)));
    const running = this.opts.conversations.turn({
      conversationId: `voice:${p.CallSid}`,
      channel: voice.name,
      capabilities: voice.capabilities,
      identity: p.From ? { kind: 'phone', value: p.From } : null,
      ...input,
    });
    let output: TurnOutput | null;
    try {
      output = await Promise.race([running, deadline]);
    } finally {
      clearTimeout(timer);
    }
    const options = this.twimlOptions(output?.turn);
    if (!output) return this.putThrough(p, running, options);
    const notice = await textLinks(output.replies, p.From, { sms: this.opts.sms, log: this.opts.log, waitMs: this.opts.smsWaitMs ?? 1500 }, p.CallSid!);
    return renderTwiml(output, options, notice ? this.opts.conversations.content().line(notice) : '');
  }

  /**
   * The turn missed its deadline: the engine decides where the caller goes
   * now, from what it already knows, and the caller is put through; once the
   * slow turn ends, the engine hands over the whole story.
   */
  private async putThrough(p: Params, running: Promise<TurnOutput>, options: TwimlOptions): Promise<string> {
    const { conversations, log, deadlineMs } = this.opts;
    log.error('voice.deadline', { callSid: p.CallSid, deadlineMs });
    const conversationId = `voice:${p.CallSid}`;
    const reason = `The bot did not answer within ${deadlineMs} ms`;
    const route = await conversations.routeNow(conversationId, voice.name, reason);
    void conversations
      .escalate(conversationId, voice.name, reason, running)
      .catch((err: unknown) => log.error('voice.escalate_failed', { callSid: p.CallSid, error: (err as Error).name }));
    return deadlineTwiml(options, conversations.content().line('no_input_handoff'), route);
  }

  private async recordEnd(p: Params): Promise<void> {
    const ended = await this.opts.conversations.howItEnded(`voice:${p.CallSid}`);
    // Hung up while waiting for a person: the place in the queue is given up.
    if (ended === 'handed_off' && p.CallStatus === 'completed') await this.opts.conversations.left(`voice:${p.CallSid}`);
    // On the phone, leaving before either is hanging up.
    const outcome: CallOutcome = ended === 'abandoned' ? 'hung_up' : ended;
    const record = { callSid: p.CallSid!, status: p.CallStatus ?? 'unknown', outcome, at: (this.opts.now?.() ?? new Date()).toISOString() };
    this.calls.push(record);
    if (this.calls.length > 1000) this.calls.splice(0, this.calls.length - 1000);
    this.opts.log.info('voice.call_ended', { callSid: record.callSid, status: record.status, outcome });
  }
}
