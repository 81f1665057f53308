/**
 * Twilio TaskRouter as a handoff target. Chats become tasks over the REST
 * API, with the handoff as attributes a workflow routes on (queue, segment,
 * intent, priority). Calls are enqueued by the voice channel's TwiML
 * (`<Enqueue workflowSid><Task>`), so Twilio creates their tasks; when a
 * call was put through before its summary was ready (a turn past its
 * deadline), `update` finds that task and gives it the whole handoff.
 *
 * A chat's task is not created inside its turn: `deliver` writes it to the
 * store's outbox (the conversation lock is held only for that write) and a
 * sender creates it afterwards, on any instance, with a timeout per request,
 * retries with backoff, and a circuit breaker that stops hammering a
 * TaskRouter that is down. Meanwhile the contact waits in the desk's queue
 * (MirroredTarget). A try after a failed one first looks for the task by its
 * handoff id, so a create that timed out but reached Twilio is not made twice.
 */
import type twilio from 'twilio';
import { routingAttributes, type Handoff } from '../../bot/engine/handoff-record';
import type { Outbox, OutboxEntry } from '../../bot/engine/outbox';
import type { Clock, HandoffReceipt, HandoffTarget } from '../../bot/engine/ports';
import type { TaskRouterSettings } from '../../bot/config';
import type { Logger } from '../../bot/log';
import { CircuitBreaker } from '../resilience/circuit-breaker';
import { OutboxSender } from '../resilience/outbox-sender';

/** Twilio's own default is 30 s: far longer than is worth holding a sender for. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

/** The outbox topic of chat tasks waiting to be created. */
export const TASKROUTER_TOPIC = 'taskrouter-task';

export interface TaskRouterOptions extends TaskRouterSettings {
  /** Where chat tasks wait until created (the store's outbox: shared by instances, kept across restarts). */
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  /** TaskRouter task channel for chat handoffs. */
  taskChannel?: string;
  /** Twilio creates a call's task just after our TwiML answer: how often, and how far apart, to look for it. */
  findTries?: number;
  findDelayMs?: number;
  /** In front of task creation (default: 5 failures in a row pause it for 30 s). */
  breaker?: CircuitBreaker;
  /** The wait before the second try of a create; doubles after each failure (default 2 s, up to 10 min, 20 tries). */
  retryBaseMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  pollMs?: number;
}

/** What the outbox keeps of a chat's task until it is created. */
interface PendingTask {
  attributes: string;
  priority: number;
}

/** Why a try failed, for the log: an HTTP status or an error's name and code, never its message. */
function failureOf(err: unknown): string {
  const e = err as { name?: string; status?: unknown; code?: unknown };
  if (typeof e.status === 'number') return `status ${e.status}`;
  return [e.name ?? 'Error', typeof e.code === 'string' ? e.code : ''].filter(Boolean).join(' ');
}

export class TaskRouterTarget implements HandoffTarget {
  private readonly client: ReturnType<typeof twilio>;
  private readonly breaker: CircuitBreaker;
  private readonly sender: OutboxSender;

  constructor(private readonly opts: TaskRouterOptions) {
    const timeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    // keepAlive off: kinder to short-lived test servers and to nock (see stack-notes).
    // Loaded here, not at start-up: the REST clients cost a third of a second and the demo hands off without TaskRouter.
    this.client = (require('twilio') as typeof twilio)(opts.accountSid, opts.authToken, { autoRetry: false, keepAlive: false, timeout });
    this.breaker = opts.breaker ?? new CircuitBreaker({ name: 'taskrouter' });
    this.sender = new OutboxSender({
      outbox: opts.outbox,
      clock: opts.clock,
      log: opts.log,
      topic: TASKROUTER_TOPIC,
      name: 'taskrouter',
      idField: 'handoffId',
      // A try is a lookup and a create: the lease outlasts both timeouts.
      leaseMs: 2 * timeout + 30_000,
      send: (entry) => this.create(entry),
      hint: 'check the TWILIO_* settings and that TaskRouter answers; the contact still waits in the desk queue',
      ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}),
      ...(opts.maxDelayMs !== undefined ? { maxDelayMs: opts.maxDelayMs } : {}),
      ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    });
  }

  private get tasks() {
    return this.client.taskrouter.v1.workspaces(this.opts.workspaceSid).tasks;
  }

  /** A chat's task is queued for the sender (the turn does not wait for Twilio); a call's is Twilio's own. */
  async deliver(handoff: Handoff): Promise<HandoffReceipt> {
    if (handoff.channel === 'voice') return { queue: handoff.queue };
    const pending: PendingTask = { attributes: JSON.stringify(routingAttributes(handoff)), priority: handoff.priority };
    await this.opts.outbox.add(TASKROUTER_TOPIC, handoff.id, JSON.stringify(pending), this.opts.clock.now().getTime());
    this.sender.kick();
    return { queue: handoff.queue };
  }

  /** Starts creating the tasks that are due (those an earlier run or another instance left too). */
  start(): this {
    this.sender.start();
    return this;
  }

  /** Stops the sender and waits for the requests under way. */
  stop(): Promise<void> {
    return this.sender.stop();
  }

  /** Creates every task due now; resolves when those tries ended. */
  flush(): Promise<void> {
    return this.sender.flush();
  }

  /** One try at a chat's task: null once it exists. */
  private async create(entry: OutboxEntry): Promise<string | null> {
    const pending = JSON.parse(entry.body) as PendingTask;
    try {
      await this.breaker.run(async () => {
        // An earlier try may have reached Twilio and timed out on the way back.
        if (entry.attempt > 1) {
          const [made] = await this.tasks.list({ evaluateTaskAttributes: `handoff_id == ${JSON.stringify(entry.id)}`, limit: 1 });
          if (made) return;
        }
        await this.tasks.create({
          workflowSid: this.opts.workflowSid,
          attributes: pending.attributes,
          priority: pending.priority,
          timeout: this.opts.timeoutSeconds,
          taskChannel: this.opts.taskChannel ?? 'chat',
        });
      });
      return null;
    } catch (err) {
      return failureOf(err);
    }
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
