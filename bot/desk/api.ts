/**
 * The desk's HTTP API over the `Desk` interface: JSON in, JSON out, every
 * route behind the session guard (reads) or session + CSRF (changes).
 * Refusals answer a status, a code and a sentence the page can show.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { OutcomeEvents } from '../engine/store';
import { refuse, type DeskAuth, type Signed } from './auth';
import type { Desk, DeskRefusal, DeskResult } from './desk';

export interface DeskApiOptions {
  desk: Desk;
  auth: DeskAuth;
  /** Where an agent's answer to a next-best-action prompt is recorded. */
  events: OutcomeEvents;
  now: () => Date;
}

const REFUSALS: Record<DeskRefusal, [number, string, string]> = {
  forbidden: [404, 'NotFound', 'no such contact in the queues you serve'],
  gone: [410, 'Gone', 'this contact has ended or the customer left'],
  taken: [409, 'Taken', 'another agent took this contact first'],
  not_yours: [409, 'NotYours', 'another agent holds this contact'],
  not_accepted: [409, 'NotAccepted', 'this contact is offered to you: accept it first'],
  unknown_queue: [400, 'UnknownQueue', 'there is no such queue or agent to transfer to'],
  unknown_disposition: [400, 'UnknownDisposition', 'choose a disposition from the list'],
};

/** Sends a desk result: its value, or the refusal's status and sentence. */
export function answer<T>(res: Response, result: DeskResult<T>, wrap: (value: T) => unknown = (v) => v): void {
  if (result.ok) {
    res.send(200, wrap(result.value));
    return;
  }
  const [status, code, message] = REFUSALS[result.reason];
  refuse(res, status, code, message);
}

const contactId = z.string().regex(/^[\w:.-]{1,200}$/);
const bodies = {
  send: z.object({ text: z.string().trim().min(1, 'write something first').max(2000) }),
  transfer: z
    .object({
      queue: z.string().min(1).max(100).optional(),
      agentId: z.string().min(1).max(64).optional(),
      note: z.string().trim().max(1000).default(''),
    })
    .refine((b) => Boolean(b.queue) !== Boolean(b.agentId), 'give a queue or an agentId'),
  end: z.object({ disposition: z.string().min(1).max(100) }),
  decline: z.object({ reason: z.string().trim().max(500).default('') }),
  offer: z.object({ offer: z.string().min(1).max(100), answer: z.enum(['accepted', 'declined']) }),
};

/** The parsed body, or null after answering 400 with the first problem. */
function parse<S extends z.ZodTypeAny>(schema: S, req: Request, res: Response): z.infer<S> | null {
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data as z.infer<S>;
  refuse(res, 400, 'BadRequest', result.error.issues[0]?.message ?? 'bad request');
  return null;
}

/** The `:id` of the path, or null after answering 404. */
function idOf(req: Request, res: Response): string | null {
  const id = contactId.safeParse((req.params as Record<string, unknown>).id);
  if (id.success) return id.data;
  refuse(res, 404, 'NotFound', 'no such contact in the queues you serve');
  return null;
}

type ContactAction = (id: string, req: Request, res: Response, signed: Signed) => Promise<void>;

export function registerDeskApi(server: Server, opts: DeskApiOptions): void {
  const { desk, auth } = opts;
  const read = (path: string, fn: (req: Request, res: Response, signed: Signed) => Promise<void>) => server.get(path, auth.guard(fn, false));
  const change = (path: string, fn: ContactAction) =>
    server.post(
      path,
      auth.guard(async (req, res, signed) => {
        const id = idOf(req, res);
        if (id) await fn(id, req, res, signed);
      }, true),
    );

  read('/api/desk/queues', async (_req, res, { agent }) => {
    res.send(200, { queues: await desk.queues(agent), now: opts.now().toISOString() });
  });
  read('/api/desk/mine', async (_req, res, { agent }) => {
    res.send(200, { contacts: await desk.mine(agent) });
  });
  read('/api/desk/contacts/:id', async (req, res, { agent }) => {
    const id = idOf(req, res);
    if (id) answer(res, await desk.contact(agent, id));
  });

  change('/api/desk/contacts/:id/accept', async (id, _req, res, { agent }) => answer(res, await desk.accept(agent, id)));
  change('/api/desk/contacts/:id/messages', async (id, req, res, { agent }) => {
    const body = parse(bodies.send, req, res);
    if (body) answer(res, await desk.send(agent, id, body.text));
  });
  change('/api/desk/contacts/:id/typing', async (id, _req, res, { agent }) => {
    await desk.typing(agent, id);
    res.send(200, { typing: true });
  });
  change('/api/desk/contacts/:id/transfer', async (id, req, res, { agent }) => {
    const body = parse(bodies.transfer, req, res);
    if (!body) return;
    const to = body.agentId ? { agentId: body.agentId } : { queue: body.queue ?? '' };
    answer(res, await desk.transfer(agent, id, to, body.note));
  });
  // A contact another agent offered you: declined, it waits in its queue again at its old place.
  change('/api/desk/contacts/:id/decline', async (id, req, res, { agent }) => {
    const body = parse(bodies.decline, req, res);
    if (!body) return;
    if (!desk.decline) return refuse(res, 404, 'NotFound', 'this desk has no offers to decline');
    answer(res, await desk.decline(agent, id, body.reason));
  });
  change('/api/desk/contacts/:id/back-to-bot', async (id, _req, res, { agent }) => answer(res, await desk.backToBot(agent, id)));
  change('/api/desk/contacts/:id/end', async (id, req, res, { agent }) => {
    const body = parse(bodies.end, req, res);
    if (body) answer(res, await desk.end(agent, id, body.disposition));
  });

  // Accept/decline of a next-best-action prompt, recorded as an outcome for the figures.
  change('/api/desk/contacts/:id/offers', async (id, req, res, { agent }) => {
    const body = parse(bodies.offer, req, res);
    if (!body) return;
    const found = await desk.contact(agent, id);
    if (!found.ok) return answer(res, found);
    const { handoff } = found.value;
    if (!handoff.nextBestActions.some((a) => a.offer === body.offer)) return refuse(res, 400, 'UnknownOffer', 'this offer was not proposed for this contact');
    await opts.events.append({
      at: opts.now().toISOString(),
      conversationId: handoff.conversationId,
      channel: handoff.channel,
      kind: 'offer',
      intent: handoff.intent?.name ?? null,
      detail: { offer: body.offer, answer: body.answer, by: 'agent', agent: agent.id, contact: id },
    });
    res.send(200, { offer: body.offer, answer: body.answer });
  });
}
