/**
 * Twilio Voice webhooks: `POST /api/voice` is the number's voice URL, its
 * action and status URLs live under it. Every request is signature-checked
 * first (403 and nothing changes otherwise), answered from a cache when
 * Twilio delivers it twice, and answered within a deadline well inside
 * Twilio's 15 seconds.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Request, Response, Server } from 'restify';
import type { Content } from '../../content/load';
import type { Engine } from '../../engine/engine';
import type { SmsSender } from '../../engine/ports';
import type { TurnInput, TurnOutput } from '../../engine/turn';
import type { Logger } from '../../log';
import { hasValidSignature } from './signature';
import { deadlineTwiml, hintsFrom, renderTwiml, type VoiceHandoffMode } from './twiml';

export interface VoiceOptions {
  engine: Engine;
  log: Logger;
  /** Null when signature checks are off (development only, announced at start-up). */
  verify: { authToken: string; publicUrl: string } | null;
  handoff: VoiceHandoffMode;
  sms: SmsSender;
  /** How long a turn may take before the caller is put through to a person. */
  deadlineMs: number;
  ttsVoice?: string;
  /** Absolute base for action URLs (PUBLIC_URL), or '' for relative ones. */
  publicUrl: string;
}

export type CallOutcome = 'completed_in_bot' | 'handed_off' | 'hung_up';

export interface CallRecord {
  callSid: string;
  status: string;
  outcome: CallOutcome;
  at: string;
}

type Params = Record<string, string>;

/** Speech hints, worked out once per content (not on every turn). */
const hints = new WeakMap<Content, string[]>();
function hintsOf(content: Content): string[] {
  let h = hints.get(content);
  if (!h) hints.set(content, (h = hintsFrom(content.intents.values())));
  return h;
}

export class VoiceChannel {
  private readonly answered = new LRUCache<string, Promise<string>>({ max: 10_000, ttl: 15 * 60_000 });
  /** How calls ended, newest last (bounded). */
  readonly calls: CallRecord[] = [];

  constructor(private readonly opts: VoiceOptions) {}

  register(server: Server): void {
    const xml = (res: Response, twiml: string) => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(twiml);
    };
    const guarded =
      (handle: (params: Params, req: Request) => Promise<string>) =>
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
        xml(res, await this.once(where, params, () => handle(params, req)));
      };

    server.post('/api/voice', guarded((p) => this.turn(p, { event: 'start' })));
    server.post(
      '/api/voice/gather',
      guarded((p) => {
        const speech = (p.SpeechResult ?? '').trim();
        const digits = (p.Digits ?? '').trim();
        const input: Partial<TurnInput> = digits
          ? { digits }
          : speech
            ? { text: speech, ...(p.Confidence !== undefined && p.Confidence !== '' ? { speechConfidence: Number(p.Confidence) } : {}) }
            : { event: 'no_input' };
        return this.turn(p, input);
      }),
    );
    server.post(
      '/api/voice/status',
      guarded(async (p) => {
        await this.recordEnd(p);
        return '<?xml version="1.0" encoding="UTF-8"?><Response/>';
      }),
    );
  }

  /** The same request twice (Twilio retries) gets the same answer and runs once. */
  private once(path: string, params: Params, work: () => Promise<string>): Promise<string> {
    const key = createHash('sha256')
      .update(path)
      .update(JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]])))
      .digest('hex');
    const cached = this.answered.get(key);
    if (cached) return cached;
    const pending = work();
    this.answered.set(key, pending);
    pending.catch(() => this.answered.delete(key));
    return pending;
  }

  private twimlOptions(turn = 0) {
    const content = this.opts.engine.current.content;
    return {
      // The turn number tells a new answer from Twilio retrying the last one.
      action: `${this.opts.publicUrl.replace(/\/+$/, '')}/api/voice/gather?turn=${turn}`,
      language: content.assistant.language,
      ...(this.opts.ttsVoice ? { voice: this.opts.ttsVoice } : {}),
      hints: hintsOf(content),
      handoff: this.opts.handoff,
    };
  }

  private async turn(p: Params, input: Partial<TurnInput>): Promise<string> {
    const content = this.opts.engine.current.content;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.opts.deadlineMs)));
    const running = this.opts.engine.turn({
      conversationId: `voice:${p.CallSid}`,
      channel: 'voice',
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
    if (!output) {
      this.opts.log.error('voice.deadline', { callSid: p.CallSid, deadlineMs: this.opts.deadlineMs });
      // The caller is put through now; once the slow turn ends, the agent gets the whole story.
      const conversationId = `voice:${p.CallSid}`;
      void running
        .catch(() => undefined)
        .then(() => this.opts.engine.escalate(conversationId, 'voice', `The bot did not answer within ${this.opts.deadlineMs} ms`))
        .catch((err: unknown) => this.opts.log.error('voice.escalate_failed', { callSid: p.CallSid, error: (err as Error).name }));
      return deadlineTwiml(options, content.assistant.messages.no_input_handoff ?? 'Let me put you through to someone.', content.assistant.fallback.queue);
    }
    const extra = await this.textLinks(p, output);
    return renderTwiml(output, options, extra);
  }

  /** Links cannot be heard: they go by SMS to the caller, and the caller is told. */
  private async textLinks(p: Params, output: TurnOutput): Promise<string[]> {
    const links = output.replies.flatMap((r) => (r.link ? [r.link] : []));
    if (!links.length) return [];
    if (!p.From) return [];
    const from = p.From;
    const sending = Promise.all(links.map((link) => this.opts.sms.send(from, `${link.label}: ${link.url}`)));
    // The caller is waiting: a slow SMS API must not push the answer past Twilio's deadline.
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), 1500)));
    try {
      const result = await Promise.race([sending.then(() => 'sent' as const), slow]);
      if (result === 'slow') {
        sending.catch((err: unknown) => this.opts.log.warn('voice.sms_failed', { callSid: p.CallSid, error: (err as Error).name }));
        return ['I am sending you a text message with the link.'];
      }
      return ['I have sent you a text message with the link.'];
    } catch (err) {
      this.opts.log.warn('voice.sms_failed', { callSid: p.CallSid, error: (err as Error).name });
      return ["I couldn't send you a text message just now."];
    } finally {
      clearTimeout(timer);
    }
  }

  private async recordEnd(p: Params): Promise<void> {
    const ended = await this.opts.engine.howItEnded(`voice:${p.CallSid}`);
    // On the phone, leaving before either is hanging up.
    const outcome: CallOutcome = ended === 'abandoned' ? 'hung_up' : ended;
    const record = { callSid: p.CallSid!, status: p.CallStatus ?? 'unknown', outcome, at: new Date().toISOString() };
    this.calls.push(record);
    if (this.calls.length > 1000) this.calls.splice(0, this.calls.length - 1000);
    this.opts.log.info('voice.call_ended', { callSid: record.callSid, status: record.status, outcome });
  }
}
