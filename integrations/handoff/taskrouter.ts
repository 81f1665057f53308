/**
 * Twilio TaskRouter as a handoff target. Chats become tasks over the REST
 * API, with the handoff as attributes a workflow routes on (queue, segment,
 * intent, priority). Calls are enqueued by the voice channel's TwiML
 * (`<Enqueue workflowSid><Task>`), so Twilio creates their tasks; when a
 * call was put through before its summary was ready (a turn past its
 * deadline), `update` finds that task and gives it the whole handoff.
 *
 * A chat's handoff waits inside its turn (the conversation is locked) for the
 * task: every request has a timeout, and after repeated failures a circuit
 * breaker answers at once, so the customer hears "can't reach our team"
 * without waiting for a TaskRouter that is down.
 */
import twilio from 'twilio';
import { routingAttributes, type Handoff } from '../../bot/engine/handoff-record';
import type { HandoffReceipt, HandoffTarget } from '../../bot/engine/ports';
import type { TaskRouterSettings } from '../../bot/config';
import { CircuitBreaker } from '../resilience/circuit-breaker';

/** Twilio's own default is 30 s: far longer than a chat customer waits for an answer. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

export interface TaskRouterOptions extends TaskRouterSettings {
  /** TaskRouter task channel for chat handoffs. */
  taskChannel?: string;
  /** Twilio creates a call's task just after our TwiML answer: how often, and how far apart, to look for it. */
  findTries?: number;
  findDelayMs?: number;
  /** In front of task creation (default: 5 failures in a row pause it for 30 s). */
  breaker?: CircuitBreaker;
}

export class TaskRouterTarget implements HandoffTarget {
  private readonly client: ReturnType<typeof twilio>;
  private readonly breaker: CircuitBreaker;

  constructor(private readonly opts: TaskRouterOptions) {
    // keepAlive off: kinder to short-lived test servers and to nock (see stack-notes).
    this.client = twilio(opts.accountSid, opts.authToken, {
      autoRetry: false,
      keepAlive: false,
      timeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    });
    this.breaker = opts.breaker ?? new CircuitBreaker({ name: 'taskrouter' });
  }

  private get tasks() {
    return this.client.taskrouter.v1.workspaces(this.opts.workspaceSid).tasks;
  }

  async deliver(handoff: Handoff): Promise<HandoffReceipt> {
    if (handoff.channel === 'voice') return { queue: handoff.queue };
    const task = await this.breaker.run(() =>
      this.tasks.create({
        workflowSid: this.opts.workflowSid,
        attributes: JSON.stringify(routingAttributes(handoff)),
        priority: handoff.priority,
        timeout: this.opts.timeoutSeconds,
        taskChannel: this.opts.taskChannel ?? 'chat',
      }),
    );
    return { queue: handoff.queue, reference: task.sid };
  }

  /**
   * Finds the waiting task of this conversation and replaces its routing
   * attributes with the full handoff, keeping what Twilio added (call_sid …).
   */
  async update(handoff: Handoff): Promise<void> {
    const tries = this.opts.findTries ?? 3;
    for (let attempt = 1; attempt <= tries; attempt++) {
      const [task] = await this.tasks.list({
        evaluateTaskAttributes: `conversation_id == ${JSON.stringify(handoff.conversationId)}`,
        assignmentStatus: ['pending', 'reserved'],
        limit: 1,
      });
      if (task) {
        const { summary_pending: _pending, ...kept } = JSON.parse(task.attributes || '{}') as Record<string, unknown>;
        await this.tasks(task.sid).update({
          attributes: JSON.stringify({ ...kept, ...routingAttributes(handoff) }),
          priority: handoff.priority,
        });
        return;
      }
      if (attempt < tries) await new Promise((r) => setTimeout(r, this.opts.findDelayMs ?? 1000));
    }
    throw new TaskNotFoundError(`no waiting TaskRouter task for ${handoff.conversationId}`);
  }
}

/** The call's task was not found: it was answered or ended already, or Twilio never created it. */
export class TaskNotFoundError extends Error {
  override name = 'TaskNotFoundError';
}

/** Delivers to a primary target and mirrors into others (the embedded queue lists every contact). */
export class MirroredTarget implements HandoffTarget {
  constructor(
    private readonly primary: HandoffTarget,
    private readonly mirror: HandoffTarget,
  ) {}

  async deliver(handoff: Handoff): Promise<HandoffReceipt> {
    await this.primary.deliver(handoff);
    return this.mirror.deliver(handoff);
  }

  async update(handoff: Handoff): Promise<void> {
    await this.primary.update?.(handoff);
    await this.mirror.update?.(handoff);
  }
}
