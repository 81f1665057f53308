/** JSON Schemas of the content files, generated from the zod schemas (see scripts/schemas.ts). */
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

// Typed loosely: the library's generics recurse too deep for tsc on these schemas.
const toJson = zodToJsonSchema as unknown as (schema: z.ZodTypeAny, opts: object) => Record<string, unknown>;
import { conversationTestSchema } from './conversation-tests';
import {
  assistantSchema,
  conditionSchema,
  dialogSchema,
  intentSchema,
  offersSchema,
  outOfScopeSchema,
  dispositionsSchema,
  routingSchema,
  segmentsSchema,
  slotTypes,
} from './schemas';
import { fieldTypes, processLists, processSchema } from './process-schema';

/**
 * Steps are validated by a transform in zod (for precise errors), which JSON
 * Schema cannot express; editors get this structural equivalent.
 */
function stepJsonSchema(): object {
  const text = { type: 'string' };
  const steps = { type: 'array', items: { $ref: '#/definitions/step' } };
  const condition = toJson(conditionSchema, { target: 'jsonSchema7' });
  const obj = (required: string[], properties: Record<string, object>) => ({
    type: 'object',
    required,
    properties,
    additionalProperties: false,
  });
  return {
    anyOf: [
      obj(['say'], { say: text, speak: text, link: obj(['url', 'label'], { url: text, label: text }) }),
      obj(['ask', 'type', 'prompt'], {
        ask: text,
        type: { enum: [...slotTypes] },
        prompt: text,
        speak: text,
        reprompt: text,
        pattern: text,
        choices: { type: 'array', items: obj(['value', 'label'], { value: text, label: text, synonyms: { type: 'array', items: text } }) },
        choices_from: obj(['list', 'value', 'label'], {
          list: { enum: ['orders', 'products', 'devices', 'campaigns', 'invoices', 'tickets'] },
          where: condition,
          value: text,
          label: text,
        }),
        max_attempts: { type: 'integer', minimum: 1, maximum: 5 },
      }),
      obj(['call'], {
        call: text,
        args: { type: 'object', additionalProperties: text },
        as: text,
        confirm: obj(['prompt'], { prompt: text, speak: text, unless_said: { type: 'array', items: text }, as: text, declined: text }),
      }),
      obj(['serve'], { serve: text, with: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } } }),
      obj(['if', 'then'], { if: condition, then: steps, else: steps }),
      obj(['set'], { set: { type: 'object', additionalProperties: text } }),
      obj(['note'], { note: text }),
      obj(['verify'], { verify: { const: true } }),
      obj(['handoff'], { handoff: obj(['reason'], { reason: text, intent: text, say: text }) }),
      obj(['end'], { end: text, say: text, close: { type: 'boolean' } }),
    ],
  };
}

/** A guided process's steps, structurally (the zod transform picks the kind by its first key). */
function processStepJsonSchema(): object {
  const text = { type: 'string' };
  const steps = { type: 'array', items: { $ref: '#/definitions/step' } };
  const condition = toJson(conditionSchema, { target: 'jsonSchema7' });
  const obj = (required: string[], properties: Record<string, object>) => ({ type: 'object', required, properties, additionalProperties: false });
  // A number, or the name of one: a fact, an earlier value, <choice field>.<item field>.
  const bound = { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^[a-z][a-z0-9_]*(\\.[a-zA-Z][a-zA-Z0-9_]*)*$' }] };
  const field = obj(['field', 'label'], {
    field: text,
    label: text,
    type: { enum: [...fieldTypes] },
    required: { type: 'boolean' },
    default: text,
    help: text,
    choices: { type: 'array', items: obj(['value', 'label'], { value: text, label: text }) },
    choices_from: obj(['list', 'value', 'label'], { list: { enum: [...processLists] }, where: condition, value: text, label: text }),
    min: bound,
    max: bound,
    max_length: { type: 'integer', minimum: 1, maximum: 2000 },
  });
  return {
    anyOf: [
      obj(['form', 'title'], { form: text, title: text, text, fields: { type: 'array', items: field }, submit: text }),
      obj(['call'], { call: text, args: { type: 'object', additionalProperties: text }, as: text }),
      obj(['if', 'then'], { if: condition, then: steps, else: steps }),
      obj(['set'], { set: { type: 'object', additionalProperties: text } }),
      obj(['note'], { note: text }),
      obj(['end'], { end: text, note: text }),
    ],
  };
}

export function jsonSchemas(): Record<string, object> {
  const gen = (schema: z.ZodTypeAny, name: string) => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Frontline ${name}`,
    ...toJson(schema, { target: 'jsonSchema7', $refStrategy: 'none' }),
  });
  const dialog = gen(dialogSchema.extend({ steps: z.array(z.any()).min(1) }), 'dialog') as unknown as Record<string, unknown> & {
    properties: Record<string, unknown>;
  };
  dialog.properties.steps = { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } };
  dialog.definitions = { step: stepJsonSchema() };
  const process = gen(processSchema.extend({ steps: z.array(z.any()).min(1) }), 'guided process') as unknown as Record<string, unknown> & {
    properties: Record<string, unknown>;
  };
  process.properties.steps = { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } };
  process.definitions = { step: processStepJsonSchema() };
  return {
    intent: gen(intentSchema, 'intent'),
    dialog,
    process,
    segments: gen(segmentsSchema, 'segments'),
    routing: gen(routingSchema, 'routing'),
    offers: gen(offersSchema, 'offers'),
    assistant: gen(assistantSchema, 'assistant settings'),
    'out-of-scope': gen(outOfScopeSchema, 'out-of-scope examples'),
    dispositions: gen(dispositionsSchema, 'disposition codes'),
    'conversation-test': gen(conversationTestSchema, 'conversation test'),
  };
}
