/**
 * Guided processes at the desk: which processes fit a contact (its intent,
 * and the customer's facts and entitlements), and running one — start,
 * submit a form (checked field by field), branch, call back-office actions,
 * complete. What the agent completes is recorded as an outcome event
 * (`process_completed`) and noted on the contact.
 *
 * A run's state is a snapshot appended to the store's histories under the
 * contact (`desk-process:<contactId>`): durable, shared by every instance,
 * the latest snapshot of a run is where it stands. Changes to one contact's
 * process take a lock, so a double click never runs an action twice.
 */
import { createHash } from 'node:crypto';
import type { Content } from '../content/load';
import type { Process } from '../content/process-schema';
import { profileFacts, type Facts } from '../domain/facts';
import type { Profile } from '../domain/profile';
import { holds } from '../engine/conditions';
import type { BackOffice, Clock, ConversationLock, ProfileSource } from '../engine/ports';
import type { Json, Store } from '../engine/store';
import type { Logger } from '../log';
import type { Agent, Desk, DeskContact, DeskRefusal } from './desk';
import { checkForm, compile, formView, Wording, type FormValue, type FormView } from './process-program';
import { runState, type DoneView, type ProcessPanel, type RunState } from './process-state';

export type { DoneView, ProcessPanel, RunState };

/** Why a process request was refused (besides the desk's own reasons). */
export type ProcessRefusal =
  | DeskRefusal
  | 'unknown_process'
  | 'not_applicable'
  | 'running'
  | 'no_run'
  | 'stale'
  | 'invalid'
  | 'action_failed'
  | 'profile_unavailable';

export type ProcessResult<T> =
  | { ok: true; value: T }
  /** `fields`: what is wrong with each field (`invalid`); `message`: the back office's words (`action_failed`). */
  | { ok: false; reason: ProcessRefusal; fields?: Record<string, string>; message?: string };

export interface ProcessRunnerOptions {
  desk: Desk;
  /** The content in service now (hot reload swaps it). */
  content: () => Content;
  profiles: ProfileSource;
  backOffice: BackOffice;
  store: Pick<Store, 'histories' | 'events'>;
  /** Serialises changes to one contact's process across instances. */
  lock: ConversationLock;
  clock: Clock;
  log: Logger;
  /** How long a contact's process record lives after its last change. Default 30 days. */
  ttlMs?: number;
}

/** One contact as a process sees it, read once per request. */
interface Scene {
  agent: Agent;
  contact: DeskContact;
  content: Content;
  profile: Profile | null;
  facts: Facts;
  now: Date;
  runs: RunState[];
}

const refused = (reason: ProcessRefusal, more: { fields?: Record<string, string>; message?: string } = {}): ProcessResult<never> => ({ ok: false, reason, ...more });
const versionOf = (p: Process) => createHash('sha256').update(JSON.stringify(p)).digest('base64url').slice(0, 16);

export class ProcessRunner {
  constructor(private readonly opts: ProcessRunnerOptions) {}

  /** What the panel shows: the processes that fit, the one running (its form), and what was done. */
  async panel(agent: Agent, contactId: string): Promise<ProcessResult<ProcessPanel>> {
    const scene = await this.scene(agent, contactId);
    if (!scene.ok) return scene;
    return { ok: true, value: this.view(scene.value) };
  }

  async start(agent: Agent, contactId: string, name: string): Promise<ProcessResult<ProcessPanel>> {
    return this.change(agent, contactId, async (s) => {
      const process = s.content.processes.get(name);
      if (!process) return refused('unknown_process');
      if (!holds(process.when, s.facts)) return refused('not_applicable');
      if (this.running(s)) return refused('running');
      const at = s.now.toISOString();
      const run: RunState = {
        run: (s.runs.at(-1)?.run ?? 0) + 1,
        process: name,
        label: process.label,
        version: versionOf(process),
        agent: { id: agent.id, name: agent.name },
        startedAt: at,
        updatedAt: at,
        pc: 0,
        values: {},
        notes: [],
        status: 'open',
        outcome: null,
        problem: null,
      };
      await this.save(s, run);
      return this.advance(s, run, false);
    });
  }

  /** The agent's answers to the form the run waits on; checked before anything goes on. */
  async submit(agent: Agent, contactId: string, form: string, submitted: Record<string, unknown>): Promise<ProcessResult<ProcessPanel>> {
    return this.change(agent, contactId, async (s) => {
      const run = this.running(s);
      if (!run) return refused('no_run');
      const step = this.program(s, run)?.[run.pc];
      if (run.status !== 'open' || step?.op !== 'form' || step.step.form !== form) return refused('stale');
      const wording = this.wording(s, run);
      const view = formView(step.step, s.profile, wording);
      const checked = checkForm(view, submitted, postcodePattern(s.content), (n) => wording.format.money(n).text);
      if (!checked.ok) return refused('invalid', { fields: checked.fields });
      // A choice's words too (`{reason.label}`), for notes a colleague reads.
      const labels = Object.fromEntries(
        view.fields.filter((f) => f.type === 'choice').map((f) => [`${f.field}.label`, f.choices?.find((c) => c.value === checked.values[f.field])?.label ?? null]),
      );
      return this.advance(s, { ...run, values: { ...run.values, ...checked.values, ...labels }, pc: run.pc + 1 }, true);
    });
  }

  /** Runs the action that failed again (after the back office mended what it refused). */
  async retry(agent: Agent, contactId: string): Promise<ProcessResult<ProcessPanel>> {
    return this.change(agent, contactId, async (s) => {
      const run = this.running(s);
      if (!run || run.status !== 'failed' || !this.program(s, run)) return refused(run ? 'stale' : 'no_run');
      return this.advance(s, { ...run, status: 'open', problem: null }, false);
    });
  }

  async cancel(agent: Agent, contactId: string): Promise<ProcessResult<ProcessPanel>> {
    return this.change(agent, contactId, async (s) => {
      const run = this.running(s);
      if (!run) return refused('no_run');
      await this.save(s, { ...run, status: 'cancelled', updatedAt: s.now.toISOString() });
      await this.record(s, 'process_cancelled', run, null);
      return { ok: true, value: this.view(s) };
    });
  }

  /** Runs from where the run stands until a form waits, an action fails, or the process ends. */
  private async advance(s: Scene, start: RunState, fromForm: boolean): Promise<ProcessResult<ProcessPanel>> {
    const program = this.program(s, start);
    if (!program) return refused('stale');
    let run = { ...start, values: { ...start.values }, notes: [...start.notes] };
    let saved = false;
    for (let guard = 0; guard < 500; guard++) {
      const ins = program[run.pc];
      const wording = this.wording(s, run);
      if (!ins || ins.op === 'end') {
        if (ins?.note) run.notes.push(wording.text(ins.note));
        return this.complete(s, { ...run, status: 'completed', outcome: ins?.outcome ?? 'completed' });
      }
      if (ins.op === 'form') break;
      if (ins.op === 'unless') run.pc = holds(ins.when, { ...s.facts, ...run.values }) ? run.pc + 1 : ins.jump;
      else if (ins.op === 'jump') run.pc = ins.to;
      else if (ins.op === 'note') (run.notes.push(wording.text(ins.text)), (run.pc += 1));
      else if (ins.op === 'set') {
        for (const [k, v] of Object.entries(ins.values)) run.values[k] = wording.text(v);
        run.pc += 1;
      } else {
        const args = Object.fromEntries(Object.entries(ins.args).map(([k, v]) => [k, wording.text(v)]));
        let result: Record<string, unknown>;
        try {
          result = await this.opts.backOffice.run(ins.action, args, { conversationId: s.contact.conversationId, channel: s.contact.channel, profile: s.profile });
        } catch (err) {
          this.opts.log.warn('process.action_failed', { contactId: s.contact.contactId, process: run.process, action: ins.action, error: (err as Error).name });
          // The back office's words without the action's name in front ("charge.credit: …").
          const message = (err as Error).message.replace(/^[a-z_.]+: /, '');
          // Nothing happened since the form: the agent mends the form. Otherwise the run waits for a retry.
          if (fromForm && !saved) return refused('action_failed', { message });
          await this.save(s, { ...run, status: 'failed', problem: message, updatedAt: s.now.toISOString() });
          return { ok: true, value: this.view(s) };
        }
        for (const [k, v] of Object.entries(result)) run.values[`${ins.as}.${k}`] = flat(v);
        run.pc += 1;
        // An action happened: keep it, so a crash or a retry never runs it twice.
        await this.save(s, { ...run, updatedAt: s.now.toISOString() });
        saved = true;
      }
    }
    await this.save(s, { ...run, updatedAt: s.now.toISOString() });
    return { ok: true, value: this.view(s) };
  }

  private async complete(s: Scene, run: RunState): Promise<ProcessResult<ProcessPanel>> {
    const done = { ...run, updatedAt: s.now.toISOString() };
    await this.save(s, done);
    const note = `${run.label}: ${run.notes.join('; ') || run.outcome}`;
    await this.record(s, 'process_completed', done, run.outcome);
    if (this.opts.desk.note) {
      const noted = await this.opts.desk.note(s.agent, s.contact.contactId, note);
      if (!noted.ok) this.opts.log.warn('process.note_refused', { contactId: s.contact.contactId, reason: noted.reason });
    }
    return { ok: true, value: this.view(s) };
  }

  /** The outcome event: which process, who, which contact; never the form's values (they may be personal). */
  private async record(s: Scene, kind: string, run: RunState, outcome: string | null): Promise<void> {
    const intent = s.contact.handoff.intent?.name ?? null;
    await this.opts.store.events.append({
      at: s.now.toISOString(),
      conversationId: s.contact.conversationId,
      channel: s.contact.channel,
      kind,
      intent,
      detail: { process: run.process, outcome, agent: s.agent.id, contact: s.contact.contactId },
    });
  }

  private view(s: Scene): ProcessPanel {
    const intent = s.contact.handoff.intent?.name;
    const fits = [...s.content.processes.values()].filter((p) => holds(p.when, s.facts));
    const option = (p: Process) => ({ process: p.process, label: p.label, description: p.description ?? null });
    const run = this.running(s);
    let running: ProcessPanel['running'] = null;
    if (run) {
      const program = this.program(s, run);
      const ins = program?.[run.pc];
      const form: FormView | null = run.status === 'open' && ins?.op === 'form' ? formView(ins.step, s.profile, this.wording(s, run)) : null;
      const problem = program ? run.problem : 'this process was changed while it ran: cancel it and start it again';
      running = { run: run.run, process: run.process, label: run.label, status: program ? run.status : 'failed', form, problem, agentName: run.agent.name };
    }
    const done: DoneView[] = s.runs
      .filter((r) => r.status === 'completed' || r.status === 'cancelled')
      .map((r) => ({ run: r.run, process: r.process, label: r.label, status: r.status, outcome: r.outcome, notes: r.notes, agentName: r.agent.name, at: r.updatedAt }))
      .reverse();
    return {
      proposed: fits.filter((p) => intent !== undefined && p.intents.includes(intent)).map(option),
      more: fits.filter((p) => intent === undefined || !p.intents.includes(intent)).map(option),
      running,
      done,
      canAct: s.contact.status === 'with_agent' && s.contact.agent?.id === s.agent.id,
    };
  }

  /** The compiled program of the run's process, or null when the content changed under it. */
  private program(s: Scene, run: RunState) {
    const process = s.content.processes.get(run.process);
    return process && versionOf(process) === run.version ? compile(process) : null;
  }

  private running(s: Scene): RunState | undefined {
    const last = s.runs.at(-1);
    return last && (last.status === 'open' || last.status === 'failed') ? last : undefined;
  }

  private wording(s: Scene, run: RunState): Wording {
    return new Wording(s.content, () => s.now, { ...s.facts, ...run.values });
  }

  private async save(s: Scene, run: RunState): Promise<void> {
    await this.opts.store.histories.append(key(s.contact.contactId), run as unknown as Json, this.opts.ttlMs ?? 30 * 86_400_000, s.now.getTime());
    s.runs = [...s.runs.filter((r) => r.run !== run.run), run];
  }

  /** A change: only by the agent holding the contact, one at a time per contact. */
  private async change(agent: Agent, contactId: string, work: (s: Scene) => Promise<ProcessResult<ProcessPanel>>): Promise<ProcessResult<ProcessPanel>> {
    return this.opts.lock.run(key(contactId), async () => {
      const scene = await this.scene(agent, contactId);
      if (!scene.ok) return scene;
      const { contact } = scene.value;
      if (contact.status === 'ended' || contact.status === 'abandoned') return refused('gone');
      if (contact.status !== 'with_agent' || contact.agent?.id !== agent.id) return refused('not_yours');
      return work(scene.value);
    });
  }

  private async scene(agent: Agent, contactId: string): Promise<ProcessResult<Scene>> {
    const found = await this.opts.desk.contact(agent, contactId);
    if (!found.ok) return found;
    const contact = found.value;
    const now = this.opts.clock.now();
    const customer = contact.handoff.customer;
    let profile: Profile | null = null;
    try {
      profile = customer.id ? await this.opts.profiles.byCustomerId(customer.id) : null;
    } catch (err) {
      // The CI system is down: no process may branch on facts it cannot read.
      this.opts.log.warn('process.profile_unavailable', { contactId, error: (err as Error).name });
      return refused('profile_unavailable');
    }
    const intent = contact.handoff.intent?.name ?? null;
    const facts: Facts = {
      ...profileFacts(profile, now),
      segment: customer.segment,
      strategy: customer.strategy,
      intensity: customer.intensity,
      verified: customer.verified,
      channel: contact.channel,
      intent,
      topic: intent,
    };
    const { entries } = await this.opts.store.histories.since(key(contactId), 0, now.getTime());
    return { ok: true, value: { agent, contact, content: this.opts.content(), profile, facts, now, runs: runState(entries.map((e) => e.item)) } };
  }
}

const key = (contactId: string) => `desk-process:${contactId}`;

/** The ZIP code pattern of the content's entities, for the whole field. */
function postcodePattern(content: Content): RegExp {
  return new RegExp(`^(?:${content.assistant.entities.postcode.replace(/\\b/g, '')})$`);
}

function flat(v: unknown): FormValue {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
}
