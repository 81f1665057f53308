/**
 * Runs self-service dialogs. A dialog's steps compile to a flat list of
 * instructions with forward jumps, so where a dialog stands is one number
 * in the conversation state and a dialog can pause (to ask, or to verify)
 * and resume on any later turn, on any instance.
 */
import type { ChoiceSpec, Condition, Dialog, Step } from '../content/schemas';
import type { FactValue } from '../domain/facts';
import { plainWords } from '../domain/text';
import { flattenSteps, type BranchInstruction } from './branches';
import { holds } from './conditions';
import type { TurnContext } from './context';
import { handOff } from './handoff-stage';
import { nextBestActions, situationOf } from './offers';
import { parseSlot } from './slots';
import { redact } from './redact';
import type { SlotValue } from './state';
import { render } from './template';
import type { Choice } from './turn';
import { startVerification } from './verify';
import { YES_NO } from './yes-no';

type AskStep = Extract<Step, { ask: string }>;

type Instruction =
  | { op: 'step'; step: Exclude<Step, { if: Condition } | { verify: true }> }
  | BranchInstruction
  | { op: 'gate'; needs: 'identified' | 'verified' }
  /** Consent already given: the words that started the dialog asked for exactly this. */
  | { op: 'asked_for'; phrases: string[]; slot: string }
  /** The customer said no to a `confirm:`: say so and end. */
  | { op: 'declined'; say: string | undefined; action: string };

const compiled = new WeakMap<Dialog, Instruction[]>();

export function compile(dialog: Dialog): Instruction[] {
  const cached = compiled.get(dialog);
  if (cached) return cached;
  const out: Instruction[] = [];
  if (dialog.needs !== 'none') out.push({ op: 'gate', needs: dialog.needs });
  flattenSteps<Step, Instruction>(dialog.steps, out, (step) => {
    if ('verify' in step) out.push({ op: 'gate', needs: 'verified' });
    else if ('call' in step && step.confirm) {
      // ask (unless already asked for) → a "no" declines → the call.
      const c = step.confirm;
      out.push({ op: 'asked_for', phrases: c.unless_said.map(plainWords), slot: c.as });
      const ask: AskStep = { ask: c.as, type: 'yesno', prompt: c.prompt, max_attempts: 2, ...(c.speak ? { speak: c.speak } : {}) };
      out.push({ op: 'step', step: ask });
      const branch = { op: 'unless' as const, when: { [c.as]: false }, jump: -1 };
      out.push(branch);
      out.push({ op: 'declined', say: c.declined, action: step.call });
      branch.jump = out.length;
      out.push({ op: 'step', step });
    } else out.push({ op: 'step', step });
  });
  compiled.set(dialog, out);
  return out;
}

/** The choices an `ask` offers: its own, a profile list's, or yes and no. */
export function choicesOf(ctx: TurnContext, step: AskStep): (Choice & { synonyms?: string[] })[] {
  if (step.type === 'yesno') return YES_NO.map((c) => ({ ...c }));
  if (step.choices) return step.choices.map((c: ChoiceSpec) => ({ value: c.value, label: c.label, synonyms: c.synonyms }));
  const from = step.choices_from;
  if (!from || !ctx.profile) return [];
  const p = ctx.profile;
  const items = (from.list === 'invoices' ? p.billing.invoices : p[from.list]) as unknown as Record<string, FactValue>[];
  return items
    .filter((item) => holds(from.where, item))
    .map((item) => ({
      value: String(item[from.value] ?? ''),
      label: render(from.label, item, ctx.format).text,
    }));
}

function expecting(step: AskStep): 'text' | 'digits' | 'choice' {
  if (step.type === 'choice' || step.type === 'yesno') return 'choice';
  return step.type === 'text' || step.type === 'street' || step.type === 'city' ? 'text' : 'digits';
}

/**
 * Asks a step's question: the first time, `again` (an answer it could not
 * use: the step's own re-prompt, else `reprompt`) or `help` (a second one:
 * `reprompt_help`, with what an answer of the step's type looks like).
 */
function ask(ctx: TurnContext, step: AskStep, how: 'first' | 'again' | 'help'): void {
  const choices = choicesOf(ctx, step);
  const { messages, answer_help } = ctx.content.assistant;
  const help = how === 'help' ? answer_help[step.type] : undefined;
  const general = help ? (ctx.can('speech') && messages.reprompt_help_voice) || messages.reprompt_help : messages.reprompt;
  const own = how === 'again' || (how === 'help' && !help) ? step.reprompt : undefined;
  const template = how === 'first' ? step.prompt : (own ?? general ?? step.prompt);
  const generic = how !== 'first' && !own;
  const prompt = ctx.toReply(step.prompt, step.speak);
  const reply = ctx.toReply(template, generic ? undefined : step.speak, {
    prompt: prompt.text,
    ...(help ? { answer_help: help } : {}),
  });
  if (generic && prompt.speak) reply.speak = (reply.speak ?? reply.text).replace(prompt.text, prompt.speak);
  if (choices.length) reply.choices = choices.map(({ value, label }) => ({ value, label }));
  ctx.push(reply);
  ctx.output.expecting = expecting(step);
}

/** Starts a dialog for an intent, with the entities the customer already gave. */
export async function startDialog(ctx: TurnContext, dialogName: string, intent: string, prefill: Record<string, SlotValue>): Promise<void> {
  ctx.state.dialog = { dialog: dialogName, intent, pc: 0, values: prefill, waiting: null };
  await runDialog(ctx);
}

const patterns = new Map<string, RegExp>();
/** An ask step's `pattern`, compiled once (the content check made sure it compiles). */
function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source, 'iu')));
  return re;
}

function parseAnswer(ctx: TurnContext): { step: AskStep; value: SlotValue } | null {
  if (!ctx.state.dialog?.waiting) return null;
  const step = currentStep(ctx);
  if (!step || !('ask' in step)) return null;
  const parsed = parseSlot(
    step.type,
    { text: ctx.input.text, digits: ctx.input.digits },
    { choices: choicesOf(ctx, step), patterns: ctx.patterns, now: ctx.now },
  );
  if (!parsed.ok || (step.pattern && typeof parsed.value !== 'boolean' && !patternOf(step.pattern).test(String(parsed.value)))) return null;
  return { step, value: step.type === 'yesno' ? parsed.value === true : typeof parsed.value === 'string' ? redact(parsed.value) : parsed.value };
}

/**
 * Whether the message is the kind of answer the waiting slot takes: a yes or
 * a no in a few words, a ZIP code, a street. A sentence that merely starts
 * with "no" is not (it may be a new request).
 */
export function fitsAnswer(ctx: TurnContext): boolean {
  const parsed = parseAnswer(ctx);
  if (!parsed) return false;
  return parsed.step.type !== 'yesno' || plainWords(ctx.input.text ?? '').split(' ').length <= 3;
}

/** An answer to the slot the dialog is waiting for. Returns false when it did not parse (caller decides). */
export function acceptAnswer(ctx: TurnContext): boolean {
  const active = ctx.state.dialog;
  const parsed = parseAnswer(ctx);
  if (!active?.waiting || !parsed) return false;
  active.values[parsed.step.ask] = parsed.value;
  active.waiting = null;
  active.pc += 1;
  return true;
}

/** Asks the waiting question again, in its re-prompt wording, without counting an attempt. */
export function repeatQuestion(ctx: TurnContext): void {
  const step = currentStep(ctx);
  if (step && 'ask' in step) ask(ctx, step, 'again');
}

/** The answer did not parse: ask again (the second time with what an answer looks like), or hand off after the step's limit. */
export async function retryAnswer(ctx: TurnContext): Promise<void> {
  const active = ctx.state.dialog!;
  const step = currentStep(ctx) as AskStep;
  active.waiting!.attempts += 1;
  if (active.waiting!.attempts >= step.max_attempts) {
    ctx.say('too_many_attempts');
    await handOff(ctx, {
      intent: ctx.dialogIntent(),
      reason: `Could not understand the customer's answer for "${step.ask}" after ${step.max_attempts} tries`,
    });
    return;
  }
  // The no-match ladder: asked again, then again with what an answer looks like, then a person.
  ask(ctx, step, active.waiting!.attempts === 1 ? 'again' : 'help');
}

function currentStep(ctx: TurnContext): Step | null {
  const active = ctx.state.dialog;
  if (!active) return null;
  const dialog = ctx.content.dialogs.get(active.dialog);
  const ins = dialog ? compile(dialog)[active.pc] : undefined;
  return ins?.op === 'step' ? ins.step : null;
}

/** Runs the active dialog from where it stands until it asks, verifies, hands off or ends. */
export async function runDialog(ctx: TurnContext): Promise<void> {
  const { state } = ctx;
  for (let guard = 0; guard < 500 && state.dialog; guard++) {
    const active = state.dialog;
    const dialog = ctx.content.dialogs.get(active.dialog);
    if (!dialog) {
      // Content reloaded without this dialog: nothing sensible to resume.
      state.dialog = null;
      return;
    }
    const program = compile(dialog);
    const ins = program[active.pc];
    if (!ins) {
      await finish(ctx, 'completed');
      return;
    }
    switch (ins.op) {
      case 'jump':
        active.pc = ins.to;
        continue;
      case 'unless':
        active.pc = holds(ins.when, ctx.facts()) ? active.pc + 1 : ins.jump;
        continue;
      case 'gate': {
        if ((ins.needs === 'verified' && state.verified && ctx.profile) || (ins.needs === 'identified' && ctx.profile)) {
          active.pc += 1;
          continue;
        }
        startVerification(ctx, ins.needs);
        return;
      }
      case 'asked_for': {
        const said = plainWords(String(active.values.utterance ?? ''));
        if (active.values[ins.slot] === undefined && ins.phrases.some((p) => ` ${said} `.includes(` ${p} `))) active.values[ins.slot] = true;
        active.pc += 1;
        continue;
      }
      case 'declined':
        if (ins.say) ctx.push(ctx.toReply(ins.say, undefined));
        else ctx.say('confirm_declined');
        ctx.did(`Offered to ${ins.action.replace(/[._]/g, ' ')}; the customer said no`);
        await finish(ctx, 'declined');
        return;
    }
    const step = ins.step;
    if ('end' in step) {
      if (step.say) ctx.push(ctx.toReply(step.say, undefined));
      await finish(ctx, step.end, step.close === true);
      return;
    } else if ('say' in step) {
      const reply = ctx.toReply(step.say, step.speak);
      const url = step.link ? ctx.text(step.link.url) : '';
      if (step.link && url) reply.link = { url, label: ctx.text(step.link.label) };
      ctx.push(reply);
    } else if ('ask' in step) {
      const value = active.values[step.ask];
      if (value === undefined || value === null || value === '') {
        active.waiting = { slot: step.ask, attempts: 0 };
        ask(ctx, step, 'first');
        return;
      }
    } else if ('call' in step) {
      try {
        const args = Object.fromEntries(Object.entries(step.args).map(([k, v]) => [k, ctx.text(v)]));
        const result = await ctx.services.backOffice.run(step.call, args, {
          conversationId: state.conversationId,
          channel: state.channel,
          // Account data only for a verified customer.
          profile: state.verified ? ctx.profile : null,
        });
        const prefix = step.as ?? step.call.replace(/\./g, '_');
        for (const [k, v] of Object.entries(result))
          active.values[`${prefix}.${k}`] = v === undefined ? null : (v as SlotValue);
      } catch (err) {
        ctx.services.log.warn('backoffice.failed', { conversationId: state.conversationId, action: step.call, error: (err as Error).name });
        ctx.did(`Tried "${step.call}": it failed`);
        ctx.say('error');
        await handOff(ctx, { intent: ctx.dialogIntent(), reason: `The back-office action "${step.call}" failed during ${active.dialog}`, context: 'error' });
        return;
      }
    } else if ('set' in step) {
      // Rendered against the values before this step, all at once.
      const values = Object.entries(step.set).map(([k, v]) => [k, ctx.text(v)] as const);
      for (const [k, v] of values) active.values[k] = v;
    } else if ('note' in step) {
      ctx.did(ctx.text(step.note));
    } else if ('serve' in step) {
      // Served by the engine once this dialog ends, before anything queued earlier.
      state.pending.unshift({ intent: step.serve, values: { ...step.with } });
    } else if ('handoff' in step) {
      const own = ctx.dialogIntent();
      await handOff(ctx, {
        intent: step.handoff.intent ? (ctx.content.intents.get(step.handoff.intent) ?? own) : own,
        reason: ctx.text(step.handoff.reason),
        ...(step.handoff.say ? { say: step.handoff.say } : {}),
      });
      return;
    }
    active.pc += 1;
  }
}

/** A dialog ended with an outcome: record it, maybe make an offer, ask what else. */
async function finish(ctx: TurnContext, outcome: string, close = false): Promise<void> {
  const { state } = ctx;
  const active = state.dialog!;
  const intent = ctx.content.intents.get(active.intent);
  state.outcomes.push({ intent: active.intent, outcome, at: ctx.now.toISOString() });
  state.dialog = null;
  if (close) {
    state.ended = true;
    ctx.output.ended = true;
    return;
  }
  // More to serve: the next request follows straight on.
  if (!intent?.topic || state.pending.length) return;
  const offered = new Set(state.offersMade.map((o) => o.offer));
  if (state.verified && ctx.profile) {
    const offer = nextBestActions(ctx.content.offers, ctx.facts({ intent: active.intent }), ctx.format, situationOf(state, active.intent, 'self_service')).find(
      (o) => o.bot && !offered.has(o.offer),
    );
    if (offer?.bot) {
      ctx.push(ctx.toReply(offer.bot, undefined));
      ctx.did(`Mentioned the offer "${offer.offer}"`);
      state.offersMade.push({ offer: offer.offer, intent: active.intent, at: ctx.now.toISOString() });
    }
  }
  ctx.say('anything_else');
  state.askedAnythingElse = true;
}
