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

/** What a form shows: a field with its choices and the value it opens with. */
export interface FieldView {
  field: string;
  label: string;
  type: FormField['type'];
  required: boolean;
  value: string | null;
  help: string | null;
  choices: { value: string; label: string }[] | null;
  min: number | null;
  max: number | null;
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
}

/** The items of a profile list, as records a condition and a template can read. */
function listOf(profile: Profile | null, list: NonNullable<FormField['choices_from']>['list']): Record<string, FactValue>[] {
  if (!profile) return [];
  const items = list === 'invoices' ? profile.billing.invoices : list === 'retention_offers' ? profile.retentionOffers : profile[list];
  return items as unknown as Record<string, FactValue>[];
}

export function choicesOf(field: FormField, profile: Profile | null, wording: Wording): { value: string; label: string }[] | null {
  if (field.type === 'yesno') return [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }];
  if (field.choices) return field.choices.map((c) => ({ value: c.value, label: wording.text(c.label) }));
  const from = field.choices_from;
  if (!from) return null;
  return listOf(profile, from.list)
    .filter((item) => holds(from.where, item))
    .map((item) => ({ value: String(item[from.value] ?? ''), label: render(from.label, item, wording.format).text }));
}

export function formView(step: FormStep, profile: Profile | null, wording: Wording): FormView {
  return {
    form: step.form,
    title: wording.text(step.title),
    text: step.text ? wording.text(step.text) : null,
    submit: step.submit,
    fields: step.fields.map((f) => ({
      field: f.field,
      label: wording.text(f.label),
      type: f.type,
      required: f.required,
      value: f.default ? wording.text(f.default) || null : null,
      help: f.help ? wording.text(f.help) : null,
      choices: choicesOf(f, profile, wording),
      min: f.min ?? null,
      max: f.max ?? null,
      maxLength: f.max_length,
    })),
  };
}

export type FormValue = string | number | boolean | null;

/** The checked values, or a sentence per field that is wrong. */
export type Checked = { ok: true; values: Record<string, FormValue> } | { ok: false; fields: Record<string, string> };

/** Checks what the agent submitted against the form's fields; a value is taken only once it fits. */
export function checkForm(view: FormView, submitted: Record<string, unknown>, postcode: RegExp): Checked {
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
    const result = fieldValue(f, text, postcode);
    if (typeof result === 'object' && result !== null && 'problem' in result) fields[f.field] = result.problem;
    else values[f.field] = result;
  }
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, values };
}

function fieldValue(f: FieldView, text: string, postcode: RegExp): FormValue | { problem: string } {
  const bounded = (n: number): number | { problem: string } =>
    f.min !== null && n < f.min ? { problem: `at least ${f.min}` } : f.max !== null && n > f.max ? { problem: `at most ${f.max}` } : n;
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
