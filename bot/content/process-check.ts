/**
 * The content check of guided processes: the intents they fit, the facts
 * their conditions and texts name, the back-office actions they call and the
 * arguments they pass, and forms the desk can tell apart. Run by
 * `checkContent` with the same helpers dialogs use, so a process is refused
 * at start-up, on hot reload and by `npm run validate` alike.
 */
import { z } from 'zod';
import { campaignSchema, deviceSchema, invoiceSchema, offerSchema, orderSchema, productSchema, ticketSchema } from '../domain/profile';
import type { Condition } from './schemas';
import type { FormField, ProcessList, ProcessStep } from './process-schema';
import type { ContentFiles } from './files';
import { unknown } from './references';
import type { FieldPath } from './yaml-file';

export interface ProcessCheckTools {
  at: (file: string, path: FieldPath, message: string) => void;
  /** Fact names (or the process's own values in `extra`) and the names compared with. */
  checkCondition: (file: string, path: FieldPath, cond: Condition | undefined, extra?: Set<string>) => void;
  /** Placeholders must be facts or values of the process. */
  checkText: (file: string, path: FieldPath, text: string | undefined, extra: Set<string>, spoken: boolean, owner: 'process') => void;
  /** Action name → the argument keys it takes (null: any). */
  actionArgs: Readonly<Record<string, readonly string[] | null>>;
  intents: ReadonlySet<string>;
  /** A fact the content may name. */
  isFact: (name: string) => boolean;
}

/** The values a process's steps make: form fields, action results (`as`), `set:` keys. */
export function processValues(steps: readonly ProcessStep[], into = new Set<string>()): Set<string> {
  for (const step of steps) {
    if ('form' in step) step.fields.forEach((f) => into.add(f.field));
    if ('call' in step) into.add(step.as ?? step.call.replace(/\./g, '_'));
    if ('set' in step) Object.keys(step.set).forEach((k) => into.add(k));
    if ('if' in step) (processValues(step.then, into), processValues(step.else, into));
  }
  return into;
}

/** The fields of each profile list's items, as `choices_from` draws them. */
const listItems: Record<ProcessList, z.AnyZodObject> = {
  invoices: invoiceSchema,
  orders: orderSchema,
  products: productSchema,
  devices: deviceSchema,
  campaigns: campaignSchema,
  tickets: ticketSchema,
  retention_offers: offerSchema,
};

const isNumber = (t: z.ZodTypeAny | undefined): boolean =>
  t instanceof z.ZodNumber || ((t instanceof z.ZodOptional || t instanceof z.ZodNullable || t instanceof z.ZodDefault) && isNumber(t._def.innerType as z.ZodTypeAny));

/** Why a named bound (`max: invoice.amount`) cannot be worked out when its form opens, or null when it can. */
function boundProblem(ref: string, fields: readonly FormField[], known: (name: string) => boolean): string | null {
  const [head = '', ...rest] = ref.split('.');
  const sibling = fields.find((f) => f.field === head);
  if (sibling?.choices_from) {
    const item = listItems[sibling.choices_from.list];
    const names = Object.keys(item.shape as object);
    const prop = rest.join('.');
    if (!prop) return `name the field of the chosen item, e.g. ${head}.${names.find((n) => isNumber(item.shape[n] as z.ZodTypeAny)) ?? names[0]}`;
    if (!names.includes(prop)) return `${sibling.choices_from.list} items have no field "${prop}" (they have: ${names.join(', ')})`;
    return isNumber(item.shape[prop] as z.ZodTypeAny) ? null : `${head}.${prop} is not a number`;
  }
  if (sibling) return `"${head}" is answered in this same form: a bound can follow only the item of a choices_from field (${head}.<field>)`;
  return known(ref) ? null : `unknown fact "${ref}": a bound is a number, a fact, a value of an earlier step, or <choice field>.<item field> of this form`;
}

export function checkProcesses(processes: ContentFiles['processes'], tools: ProcessCheckTools): void {
  const { at, checkCondition, actionArgs, intents, isFact } = tools;
  // Agents read these; nothing is spoken to a caller.
  const checkText = (file: string, path: FieldPath, text: string | undefined, values: Set<string>) => tools.checkText(file, path, text, values, false, 'process');
  for (const { file, item } of processes.values()) {
    item.intents.forEach((n, i) => {
      if (!intents.has(n)) at(file, ['intents', i], unknown('intent', n, intents));
    });
    checkCondition(file, ['when'], item.when);
    const values = processValues(item.steps);
    // The values made by the steps walked so far: what a form's bound may name (it is worked out when the form opens).
    const before = new Set<string>();
    const forms = new Map<string, string>();
    const check = (steps: readonly ProcessStep[], path: FieldPath): void =>
      steps.forEach((step, i) => {
        const p = [...path, i];
        if ('form' in step) {
          const seen = forms.get(step.form);
          if (seen) at(file, [...p, 'form'], `another form is called "${step.form}" (${seen}); give each form its own name`);
          else forms.set(step.form, p.join('.'));
          checkText(file, [...p, 'title'], step.title, values);
          checkText(file, [...p, 'text'], step.text, values);
          const fields = new Set<string>();
          step.fields.forEach((f, j) => {
            const fp = [...p, 'fields', j];
            if (fields.has(f.field)) at(file, [...fp, 'field'], `this form already has a field "${f.field}"`);
            fields.add(f.field);
            checkText(file, [...fp, 'label'], f.label, values);
            checkText(file, [...fp, 'help'], f.help, values);
            checkText(file, [...fp, 'default'], f.default, values);
            for (const which of ['min', 'max'] as const) {
              const ref = f[which];
              const problem = typeof ref === 'string' ? boundProblem(ref, step.fields, (n) => isFact(n) || before.has(n) || before.has(n.split('.')[0]!)) : null;
              if (problem) at(file, [...fp, which], problem);
            }
          });
        } else if ('call' in step) {
          const accepts = actionArgs[step.call];
          if (accepts === undefined) at(file, [...p, 'call'], `no back-office action "${step.call}" (known: ${Object.keys(actionArgs).join(', ')})`);
          for (const key of Object.keys(step.args))
            if (accepts && !accepts.includes(key))
              at(file, [...p, 'args', key], `${step.call} takes no argument "${key}" (it takes: ${accepts.join(', ') || 'none'})`);
          Object.entries(step.args).forEach(([k, v]) => checkText(file, [...p, 'args', k], v, values));
        } else if ('if' in step) {
          checkCondition(file, [...p, 'if'], step.if, values);
          check(step.then, [...p, 'then']);
          check(step.else, [...p, 'else']);
        } else if ('set' in step) Object.entries(step.set).forEach(([k, v]) => checkText(file, [...p, 'set', k], v, values));
        else if ('end' in step) checkText(file, [...p, 'note'], step.note, values);
        else checkText(file, [...p, 'note'], step.note, values);
        processValues([step], before);
      });
    check(item.steps, ['steps']);
  }
}
