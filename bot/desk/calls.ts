/**
 * Calls at the desk: the screen pop. A call put through to a person is a
 * desk contact like a chat (the voice handoff goes to the same target), and
 * the call's id finds it: the phone channel names a call's conversation
 * `voice:<CallSid>`, and the conversation remembers the handoff (its id is
 * the contact id). The agent's softphone or CTI asks by CallSid when the
 * agent answers and gets the card; with TaskRouter the task's attributes
 * carry the same card (`routingAttributes`).
 *
 *   GET  /api/desk/calls/:callSid        the card of that call (a queue the agent serves)
 *   POST /api/desk/calls/:callSid/take   the agent answered it: accepted for them, and the card
 */
import type { Request, Response } from 'restify';
import { z } from 'zod';
import { answer } from './api';
import { refuse, type Signed } from './auth';
import type { Agent, Desk, DeskContact, DeskResult } from './desk';
import type { DeskRoutes } from './routes';

/** The conversation id the phone channel gives a call. */
export const callConversationId = (callSid: string): string => `voice:${callSid}`;

/** The CallSid of a call's conversation id; null for any other conversation. */
export function callSidOf(conversationId: string): string | null {
  return conversationId.startsWith('voice:') ? conversationId.slice('voice:'.length) : null;
}

/** What a conversation remembers of its handoff (the engine's stored state). */
export interface HandedOffStates {
  peek(conversationId: string): Promise<{ handedOff: { handoffId: string } | null } | null>;
}

/** The desk contact id of a call, or null when the call was not handed to a person. */
export async function contactOfCall(states: HandedOffStates, callSid: string): Promise<string | null> {
  return (await states.peek(callConversationId(callSid)))?.handedOff?.handoffId ?? null;
}

/**
 * The screen pop of a call for `agent`: the card when `take` is false; when
 * true (the agent answered), a waiting contact is accepted for them first.
 * A contact they hold already pops again; another agent's is `not_yours`.
 */
export async function screenPop(desk: Desk, states: HandedOffStates, agent: Agent, callSid: string, take: boolean): Promise<DeskResult<DeskContact>> {
  const contactId = await contactOfCall(states, callSid);
  if (!contactId) return { ok: false, reason: 'forbidden' };
  const contact = await desk.contact(agent, contactId);
  if (!take || !contact.ok) return contact;
  if (contact.value.status === 'waiting') return desk.accept(agent, contactId);
  if (contact.value.status === 'with_agent' && contact.value.agent?.id !== agent.id) return { ok: false, reason: 'not_yours' };
  return contact;
}

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/);

/** Mounts the call routes on the desk's guarded routes (session on reads, session + CSRF on changes). */
export function registerCallRoutes(routes: Pick<DeskRoutes, 'read' | 'change'>, opts: { desk: Desk; states: HandedOffStates }): void {
  const pop =
    (take: boolean) =>
    async (req: Request, res: Response, { agent }: Signed): Promise<void> => {
      const sid = callSid.safeParse((req.params as Record<string, unknown>).callSid);
      if (!sid.success) return refuse(res, 404, 'NotFound', 'no such call in the queues you serve');
      answer(res, await screenPop(opts.desk, opts.states, agent, sid.data, take));
    };
  routes.read('/api/desk/calls/:callSid', pop(false));
  routes.change('/api/desk/calls/:callSid/take', pop(true));
}
