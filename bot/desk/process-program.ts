/**
 * A guided process as a program: its steps compiled to flat instructions
 * with forward jumps (as dialogs are), so where a run stands is one number
 * that any instance can resume; its forms as the desk shows them; and the
 * check of what an agent submits, field by field.
 */
import type { Content } from '../content/load';
import type { FormField, Process, ProcessStep } from '../content/process-schema';
import type { Condition } from '../content/schemas';
import type { FactValue, Facts } from '../domain/facts';
import type { Profile } from '../domain/profile';
import { flattenSteps, type BranchInstruction } from '../engine/branches';
import { holds } from '../engine/conditions';
import { Formatter, render } from '../engine/template';

type FormStep = Extract<ProcessStep, { form: string }>;

export type Instruction =
  | { op: 'form'; step: FormStep }
  | { op: 'call'; action: string; args: Record<string, string>; as: string }
  | { op: 'set'; values: Record<string, string> }
  | { op: 'note'; text: string }
  | { op: 'end'; outcome: string; note?: string }
  | BranchInstruction;

const compiled = new WeakMap<Process, Instruction[]>();

export function compile(process: Process): Instruction[] {
  const cached = compiled.get(process);
  if (cached) return cached;
  const out: Instruction[] = [];
  flattenSteps<ProcessStep, Instruction>(process.steps, out, (step) => {
    if ('form' in step) out.push({ op: 'form', step });
    else if ('call' in step) out.push({ op: 'call', action: step.call, args: step.args, as: step.as ?? step.call.replace(/\./g, '_') });
    else if ('set' in step) out.push({ op: 'set', values: step.set });
    else if ('end' in step) out.push({ op: 'end', outcome: step.end, ...(step.note ? { note: step.note } : {}) });
    else out.push({ op: 'note', text: step.note });
  });
  compiled.set(process, out);
  return out;
}

/** A bound of a number or amount as the form applies it. */
export interface FieldBound {
  /** The number, when it does not follow a choice of this form (null: not known for this customer). */
  value: number | null;
  /** It follows the choice in `field` of this form: the bound for each choice value, and as the desk writes it ("$80.00"). */
  byChoice: { field: string; values: Record<string, number>; shown: Record<string, string> } | null;
  /** `value` as the desk writes it ("$80.00" for an amount); null when it follows a choice or is not known. */
  shown: string | null;
  /** What it is, for the agent ("the amount of the invoice", "balance"); null for a number written in the process. */
  what: string | null;
}

/** What a form shows: a field with its choices and the value it opens with. */
export interface FieldView {
  field: string;
  label: string;
  type: FormField['type'];
  required: boolean;
  value: string | null;
  help: string | null;
  choices: { value: string; label: string }[] | null;
  min: FieldBound | null;
  max: FieldBound | null;
  maxLength: number;
}

export interface FormView {
  form: string;
  title: string;
  text: string | null;
  submit: string;
  fields: FieldView[];
}

/** Renders templates against the customer's facts and the run's values, in the assistant's money and dates. */
export class Wording {
  readonly format: Formatter;
  constructor(
    content: Content,
    now: () => Date,
    private readonly vars: Facts,
  ) {
    const a = content.assistant;
    this.format = new Formatter(a.language, a.currency, a.timezone, now);
  }
  text(template: string, extra: Facts = {}): string {
    return render(template, { ...this.vars, ...extra }, this.format).text;
  }
  /** A fact or value of the run as a number, or null. */
  number(name: string): number | null {
    const v = this.vars[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : null;
  }
}

/** The items of a profile list, as records a condition and a template can read. */
function listOf(profile: Profile | null, list: NonNullable<FormField['choices_from']>['list']): Record<string, FactValue>[] {
  if (!profile) return [];
  const items = list === 'invoices' ? profile.billing.invoices : list === 'retention_offers' ? profile.retentionOffers : profile[list];
  return items as unknown as Record<string, FactValue>[];
}

/** The items a `choices_from` field offers, each with its value. */
function itemsOf(from: NonNullable<FormField['choices_from']>, profile: Profile | null): { value: string; item: Record<string, FactValue> }[] {
  return listOf(profile, from.list)
    .filter((item) => holds(from.where, item))
    .map((item) => ({ value: String(item[from.value] ?? ''), item }));
}

export function choicesOf(field: FormField, profile: Profile | null, wording: Wording): { value: string; label: string }[] | null {
  if (field.type === 'yesno') return [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }];
  if (field.choices) return field.choices.map((c) => ({ value: c.value, label: wording.text(c.label) }));
  const from = field.choices_from;
  if (!from) return null;
  return itemsOf(from, profile).map(({ value, item }) => ({ value, label: render(from.label, item, wording.format).text }));
}

/** A bound as the form applies it: a number, a fact or earlier value now, or per choice of a field of this form. */
function boundOf(spec: FormField['max'], step: FormStep, profile: Profile | null, write: (n: number) => string, wording: Wording): FieldBound | null {
  if (spec === undefined) return null;
  if (typeof spec === 'number') return { value: spec, byChoice: null, what: null, shown: write(spec) };
  const [head = '', prop] = spec.split('.');
  const choice = step.fields.find((f) => f.field === head && f.choices_from);
  if (choice?.choices_from && prop) {
    const values: Record<string, number> = {};
    const shown: Record<string, string> = {};
    for (const { value, item } of itemsOf(choice.choices_from, profile)) {
      const n = item[prop];
      if (typeof n === 'number' && Number.isFinite(n)) [values[value], shown[value]] = [n, write(n)];
    }
    return { value: null, byChoice: { field: head, values, shown }, what: `the ${prop} of the ${choice.label.toLowerCase()}`, shown: null };
  }
  const value = wording.number(spec);
  return { value, byChoice: null, what: spec, shown: value === null ? null : write(value) };
}

export function formView(step: FormStep, profile: Profile | null, wording: Wording): FormView {
  return {
    form: step.form,
    title: wording.text(step.title),
    text: step.text ? wording.text(step.text) : null,
    submit: step.submit,
    fields: step.fields.map((f) => {
      const write = (n: number) => (f.type === 'amount' ? wording.format.money(n).text : String(n));
      return {
        field: f.field,
        label: wording.text(f.label),
        type: f.type,
        required: f.required,
        value: f.default ? wording.text(f.default) || null : null,
        help: f.help ? wording.text(f.help) : null,
        choices: choicesOf(f, profile, wording),
        min: boundOf(f.min, step, profile, write, wording),
        max: boundOf(f.max, step, profile, write, wording),
        maxLength: f.max_length,
      };
    }),
  };
}

export type FormValue = string | number | boolean | null;

/** The checked values, or a sentence per field that is wrong. */
export type Checked = { ok: true; values: Record<string, FormValue> } | { ok: false; fields: Record<string, string> };

/**
 * Checks what the agent submitted against the form's fields; a value is taken only once it fits.
 * `money` writes an amount's bound as the customer's currency ("$80.00").
 */
export function checkForm(view: FormView, submitted: Record<string, unknown>, postcode: RegExp, money: (n: number) => string = String): Checked {
  const values: Record<string, FormValue> = {};
  const fields: Record<string, string> = {};
  for (const f of view.fields) {
    const raw = submitted[f.field];
    const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
    if (text === '') {
      if (f.required) fields[f.field] = f.type === 'yesno' || f.type === 'choice' ? 'choose one' : 'fill this in';
      else values[f.field] = null;
      continue;
    }
    const result = fieldValue(f, text, postcode, (b) => boundNow(b, view, submitted), f.type === 'amount' ? money : String);
    if (typeof result === 'object' && result !== null && 'problem' in result) fields[f.field] = result.problem;
    else values[f.field] = result;
  }
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, values };
}

/**
 * A bound's number for what was submitted: null when not known for this customer; undefined when it
 * follows a choice not (validly) made, which that choice's own field reports.
 */
function boundNow(b: FieldBound, view: FormView, submitted: Record<string, unknown>): number | null | undefined {
  if (!b.byChoice) return b.value;
  const { field, values } = b.byChoice;
  const chosen = String(submitted[field] ?? '').trim();
  if (!view.fields.find((g) => g.field === field)?.choices?.some((c) => c.value === chosen)) return undefined;
  return values[chosen] ?? null;
}

function fieldValue(
  f: FieldView,
  text: string,
  postcode: RegExp,
  now: (b: FieldBound) => number | null | undefined,
  write: (n: number) => string,
): FormValue | { problem: string } {
  const bounded = (n: number): number | { problem: string } => {
    for (const [b, word, out] of [
      [f.min, 'at least', (limit: number) => n < limit],
      [f.max, 'at most', (limit: number) => n > limit],
    ] as const) {
      if (!b) continue;
      const limit = now(b);
      const what = b.what ? ` (${b.what})` : '';
      // Checked before the back office is called, or not at all: a bound nobody knows refuses.
      if (limit === null) return { problem: `cannot be checked: ${b.what ?? 'its bound'} is not known for this customer` };
      if (limit !== undefined && out(limit)) return { problem: `${word} ${write(limit)}${what}` };
    }
    return n;
  };
  switch (f.type) {
    case 'yesno':
      if (/^(yes|true)$/i.test(text)) return true;
      if (/^(no|false)$/i.test(text)) return false;
      return { problem: 'choose yes or no' };
    case 'choice':
      return f.choices?.some((c) => c.value === text) ? text : { problem: 'choose one of the list' };
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? bounded(n) : { problem: 'a number, e.g. 3' };
    }
    case 'amount': {
      const plain = text.replace(/^\$/, '').replace(/,/g, '');
      if (!/^\d+(\.\d{1,2})?$/.test(plain)) return { problem: 'an amount, e.g. 40 or 39.99' };
      return bounded(Number(plain));
    }
    case 'date': {
      const ok = /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
      return ok ? text : { problem: 'a date, e.g. 2026-12-01' };
    }
    case 'postcode':
      return postcode.test(text) ? text : { problem: 'a ZIP code, e.g. 94110' };
    case 'text':
      return text.length <= f.maxLength ? text : { problem: `at most ${f.maxLength} characters` };
  }
}
