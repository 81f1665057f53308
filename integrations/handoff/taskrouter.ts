/**
 * Twilio TaskRouter as a handoff target for chat: each handoff becomes a task
 * (REST API) whose attributes carry the handoff, so a workflow can route on
 * queue, segment, intent and priority. Calls are not sent here: the voice
 * channel enqueues them itself with `<Enqueue workflowSid><Task>`.
 */
import twilio from 'twilio';
import { routingAttributes, type Handoff } from '../../bot/engine/handoff';
import type { HandoffReceipt, HandoffTarget } from '../../bot/engine/ports';

export interface TaskRouterOptions {
  accountSid: string;
  authToken: string;
  workspaceSid: string;
  workflowSid: string;
  timeoutSeconds: number;
  /** TaskRouter task channel for chat handoffs. */
  taskChannel?: string;
}

export class TaskRouterTarget implements HandoffTarget {
  private readonly client: ReturnType<typeof twilio>;

  constructor(private readonly opts: TaskRouterOptions) {
    // keepAlive off: kinder to short-lived test servers and to nock (see stack-notes).
    this.client = twilio(opts.accountSid, opts.authToken, { autoRetry: false, keepAlive: false } as never);
  }

  async deliver(handoff: Handoff): Promise<HandoffReceipt> {
    if (handoff.channel === 'voice') return { queue: handoff.queue };
    const task = await this.client.taskrouter.v1.workspaces(this.opts.workspaceSid).tasks.create({
      workflowSid: this.opts.workflowSid,
      attributes: JSON.stringify(routingAttributes(handoff)),
      priority: handoff.priority,
      timeout: this.opts.timeoutSeconds,
      taskChannel: this.opts.taskChannel ?? 'chat',
    });
    return { queue: handoff.queue, reference: task.sid };
  }
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
}
