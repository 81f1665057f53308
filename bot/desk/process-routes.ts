/**
 * Guided processes over HTTP, mounted on the desk's routes (its session
 * guard on reads, session + CSRF on changes). Each answer is the panel as
 * it now stands, so the page re-renders from one response.
 *
 *   GET  /api/desk/contacts/:id/processes            the panel
 *   POST /api/desk/contacts/:id/processes/start      { process }
 *   POST /api/desk/contacts/:id/processes/submit     { form, values: { field: value } }
 *   POST /api/desk/contacts/:id/processes/retry      the action that failed, again
 *   POST /api/desk/contacts/:id/processes/cancel
 */
import type { Request, Response } from 'restify';
import { z } from 'zod';
import { answer } from './api';
import { refuse, type Signed } from './auth';
import type { DeskRefusal } from './desk';
import type { ProcessRefusal, ProcessResult, ProcessRunner } from './processes';
import type { DeskRoutes } from './routes';

const OWN: Record<Exclude<ProcessRefusal, DeskRefusal>, [number, string, string]> = {
  unknown_process: [400, 'UnknownProcess', 'there is no such process'],
  not_applicable: [409, 'NotApplicable', "this process does not apply to this customer"],
  running: [409, 'Running', 'another process is running on this contact: finish or cancel it first'],
  no_run: [409, 'NoRun', 'no process is running on this contact'],
  stale: [409, 'Stale', 'this step is already done, or the process changed: reload the contact'],
  invalid: [400, 'Invalid', 'some fields need another look'],
  action_failed: [502, 'ActionFailed', 'the back office refused this'],
  profile_unavailable: [503, 'ProfileUnavailable', "the customer's profile cannot be read right now: try again in a moment"],
};

const contactId = z.string().regex(/^[\w:.-]{1,200}$/);
const bodies = {
  start: z.object({ process: z.string().min(1).max(100) }),
  submit: z.object({ form: z.string().min(1).max(100), values: z.record(z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).default({}) }),
};

function send<T>(res: Response, result: ProcessResult<T>): void {
  if (result.ok) return void res.send(200, result.value);
  const own = OWN[result.reason as keyof typeof OWN];
  if (!own) return answer(res, { ok: false, reason: result.reason as DeskRefusal });
  const [status, code, message] = own;
  res.send(status, { code, message: result.message ? `${message}: ${result.message}` : message, ...(result.fields ? { fields: result.fields } : {}) });
}

type Handler = (id: string, req: Request, res: Response, signed: Signed) => Promise<void>;

/** Mounts the process routes on the desk's guarded routes. */
export function registerProcessRoutes(routes: Pick<DeskRoutes, 'read' | 'change'>, runner: ProcessRunner): void {
  const withId =
    (fn: Handler) =>
    async (req: Request, res: Response, signed: Signed): Promise<void> => {
      const id = contactId.safeParse((req.params as Record<string, unknown>).id);
      if (!id.success) return refuse(res, 404, 'NotFound', 'no such contact in the queues you serve');
      await fn(id.data, req, res, signed);
    };
  const body = <S extends z.ZodTypeAny>(schema: S, req: Request, res: Response): z.infer<S> | null => {
    const parsed = schema.safeParse(req.body ?? {});
    if (parsed.success) return parsed.data as z.infer<S>;
    refuse(res, 400, 'BadRequest', parsed.error.issues[0]?.message ?? 'bad request');
    return null;
  };
  const base = '/api/desk/contacts/:id/processes';
  routes.read(base, withId(async (id, _req, res, { agent }) => send(res, await runner.panel(agent, id))));
  routes.change(
    `${base}/start`,
    withId(async (id, req, res, { agent }) => {
      const b = body(bodies.start, req, res);
      if (b) send(res, await runner.start(agent, id, b.process));
    }),
  );
  routes.change(
    `${base}/submit`,
    withId(async (id, req, res, { agent }) => {
      const b = body(bodies.submit, req, res);
      if (b) send(res, await runner.submit(agent, id, b.form, b.values));
    }),
  );
  routes.change(`${base}/retry`, withId(async (id, _req, res, { agent }) => send(res, await runner.retry(agent, id))));
  routes.change(`${base}/cancel`, withId(async (id, _req, res, { agent }) => send(res, await runner.cancel(agent, id))));
}
