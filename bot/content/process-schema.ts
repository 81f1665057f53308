/**
 * Guided processes (`processes/*.yaml`): a business function an agent at the
 * desk can start for a contact — its forms, its branches on the customer's
 * facts and entitlements, the back-office actions it calls. The desk runs
 * them (bot/desk/processes.ts); the content check validates them with
 * everything else (bot/content/process-check.ts).
 */
import { z } from 'zod';
import { conditionSchema, stepByFirstKey, type Condition } from './schemas';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ only, starting with a letter (e.g. credit_charge)');
const actionName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'a dotted action name, e.g. charge.credit');

/** What a form field takes; the desk checks the value before the process goes on. */
export const fieldTypes = ['text', 'number', 'amount', 'yesno', 'choice', 'date', 'postcode'] as const;
export type FieldType = (typeof fieldTypes)[number];

/** Lists of the customer's profile a choice can be drawn from. */
export const processLists = ['invoices', 'orders', 'products', 'devices', 'campaigns', 'tickets', 'retention_offers'] as const;
export type ProcessList = (typeof processLists)[number];

/**
 * A bound of a number or amount: a number, or the name of one the process knows when the form opens — a
 * fact (`balance`), a value of an earlier step (`credit.amount`), or a field of the item chosen in a
 * `choices_from` field of the same form (`invoice.amount`: the amount of the invoice the agent picked).
 */
const boundSchema = z.union([
  z.number(),
  z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)*$/, 'a number, or the name of one: a fact, an earlier value, or <choice field>.<item field> (invoice.amount)'),
]);
export type FieldBoundSpec = z.infer<typeof boundSchema>;

const fieldSchema = z
  .object({
    field: name,
    label: z.string().min(1),
    type: z.enum(fieldTypes).default('text'),
    required: z.boolean().default(true),
    /** Filled in when the form opens: a template over facts and earlier values, e.g. "{address}". */
    default: z.string().optional(),
    /** A line under the field for the agent. */
    help: z.string().optional(),
    choices: z.array(z.object({ value: z.string().min(1), label: z.string().min(1) }).strict()).optional(),
    choices_from: z
      .object({
        list: z.enum(processLists),
        /** Only the items for which this holds, e.g. `{ status: overdue }`. */
        where: conditionSchema.optional(),
        /** The item field that becomes the value. */
        value: z.string(),
        /** How each item is shown, a template over its fields: "{id} ({amount|money})". */
        label: z.string(),
      })
      .strict()
      .optional(),
    /** Bounds of a number or amount: a number, or a name (see boundSchema), e.g. `max: invoice.amount`. */
    min: boundSchema.optional(),
    max: boundSchema.optional(),
    /** Longest text accepted. */
    max_length: z.number().int().positive().max(2000).default(500),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === 'choice' && !f.choices?.length && !f.choices_from)
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'a choice needs choices or choices_from' });
    if (f.type !== 'choice' && (f.choices || f.choices_from))
      ctx.addIssue({ code: 'custom', path: [f.choices ? 'choices' : 'choices_from'], message: 'only a choice field has choices' });
    if (f.type !== 'number' && f.type !== 'amount' && (f.min !== undefined || f.max !== undefined))
      ctx.addIssue({ code: 'custom', path: [f.min !== undefined ? 'min' : 'max'], message: 'only a number or amount has min and max' });
    if (typeof f.min === 'number' && typeof f.max === 'number' && f.min > f.max) ctx.addIssue({ code: 'custom', path: ['max'], message: 'max is below min' });
  });
export type FormField = z.infer<typeof fieldSchema>;

export type ProcessStep =
  /** A form the agent fills in (no fields: something to read and confirm). Its name is the step's id. */
  | { form: string; title: string; text?: string; fields: FormField[]; submit: string }
  /** A back-office action; its result's fields become `{as.field}` values. */
  | { call: string; args: Record<string, string>; as?: string }
  | { if: Condition; then: ProcessStep[]; else: ProcessStep[] }
  | { set: Record<string, string> }
  /** A line for the record of what was done (the contact's note, the outcome event). */
  | { note: string }
  /** Ends the process with this outcome. */
  | { end: string; note?: string };

const stepKinds = {
  form: z
    .object({
      form: name,
      title: z.string().min(1),
      text: z.string().optional(),
      fields: z.array(fieldSchema).default([]),
      /** The button's words. */
      submit: z.string().min(1).default('Continue'),
    })
    .strict(),
  call: z.object({ call: actionName, args: z.record(z.string()).default({}), as: name.optional() }).strict(),
  if: z
    .object({
      if: conditionSchema,
      then: z.array(z.lazy(() => processStepSchema)),
      else: z.array(z.lazy(() => processStepSchema)).default([]),
    })
    .strict(),
  set: z.object({ set: z.record(z.string()) }).strict(),
  note: z.object({ note: z.string().min(1) }).strict(),
  end: z.object({ end: name, note: z.string().optional() }).strict(),
};
/** A step is recognised by its first key and checked against that kind only; `note` last, as an `end` step may carry one. */
export const processStepSchema: z.ZodType<ProcessStep, z.ZodTypeDef, unknown> = stepByFirstKey<ProcessStep>(stepKinds, 'note');

export const processSchema = z
  .object({
    process: name,
    /** What the agent sees on the button: "Upgrade a device". */
    label: z.string().min(1),
    description: z.string().optional(),
    /** The intents it fits: the desk proposes it on contacts about these. */
    intents: z.array(name).min(1),
    /** Proposed only when this holds for the customer (facts, entitlements), e.g. `{ identified: true }`. */
    when: conditionSchema.optional(),
    steps: z.array(processStepSchema).min(1),
  })
  .strict();
export type Process = z.infer<typeof processSchema>;
