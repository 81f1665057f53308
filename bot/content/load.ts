/**
 * Loads every content file of a content directory, validated, into one
 * immutable {@link Content}. The first problem stops the load with a
 * {@link ContentError} naming file, line and field.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ContentError, displayName, locate, readYaml } from './yaml-file';
import {
  assistantSchema,
  dialogSchema,
  intentSchema,
  offersSchema,
  outOfScopeSchema,
  OUT_OF_SCOPE,
  routingSchema,
  segmentsSchema,
  type AssistantSettings,
  type Dialog,
  type Intent,
  type OfferRules,
  type RoutingRules,
  type SegmentRules,
} from './schemas';

export interface Content {
  intents: ReadonlyMap<string, Intent>;
  dialogs: ReadonlyMap<string, Dialog>;
  segments: SegmentRules;
  routing: RoutingRules;
  offers: OfferRules;
  assistant: AssistantSettings;
  /** Examples of what no intent covers. */
  outOfScope: string[];
}

/** Where each kind of content lives inside a content directory. */
export const contentLayout = {
  intents: 'intents',
  dialogs: 'dialogs',
  segments: 'rules/segments.yaml',
  routing: 'rules/routing.yaml',
  offers: 'rules/offers.yaml',
  assistant: 'rules/assistant.yaml',
  outOfScope: 'rules/out_of_scope.yaml',
} as const;

function yamlFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new ContentError(`${dir}: folder missing`, dir, null, null);
  }
  return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(dir, n));
}

/** One file per item: the name inside must match the file name. */
function byName<T>(dir: string, files: string[], parse: (file: string) => T, key: (item: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const file of files) {
    const item = parse(file);
    const expected = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
    if (key(item) !== expected)
      throw new ContentError(
        `${displayName(file, dir)}:1 name "${key(item)}" differs from the file name; rename one so they match`,
        displayName(file, dir),
        1,
        'name',
      );
    out.set(key(item), item);
  }
  return out;
}

export function loadContent(dir: string): Content {
  const intents = byName(dir, yamlFiles(join(dir, contentLayout.intents)), (f) => readYaml(f, intentSchema, dir), (i) => i.intent);
  const dialogs = byName(dir, yamlFiles(join(dir, contentLayout.dialogs)), (f) => readYaml(f, dialogSchema, dir), (d) => d.dialog);
  const content: Content = {
    intents,
    dialogs,
    segments: readYaml(join(dir, contentLayout.segments), segmentsSchema, dir),
    routing: readYaml(join(dir, contentLayout.routing), routingSchema, dir),
    offers: readYaml(join(dir, contentLayout.offers), offersSchema, dir),
    assistant: readYaml(join(dir, contentLayout.assistant), assistantSchema, dir),
    outOfScope: existsSync(join(dir, contentLayout.outOfScope))
      ? readYaml(join(dir, contentLayout.outOfScope), outOfScopeSchema, dir).examples
      : [],
  };
  checkReferences(content, dir);
  return content;
}

/**
 * The cross-file references the engine cannot run without. (`npm run
 * validate` checks more, with lines.)
 */
function checkReferences(c: Content, dir: string): void {
  const fail = (file: string, field: string, message: string): never => {
    const path = join(dir, file);
    const name = displayName(path, dir);
    const keys = field.split(/[.[\]]+/).filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const line = locate(path, keys) ?? 1;
    throw new ContentError(`${name}:${line} ${field}: ${message}`, name, line, field);
  };
  if (c.intents.size === 0) fail(contentLayout.intents, 'intents', 'no intent files');
  if (c.intents.has(OUT_OF_SCOPE))
    fail(`${contentLayout.intents}/${OUT_OF_SCOPE}.yaml`, 'intent', `"${OUT_OF_SCOPE}" is reserved: put such examples in ${contentLayout.outOfScope}`);
  for (const intent of c.intents.values()) {
    const file = `${contentLayout.intents}/${intent.intent}.yaml`;
    if (intent.dialog && !c.dialogs.has(intent.dialog))
      fail(file, 'dialog', `no dialog "${intent.dialog}" in ${contentLayout.dialogs}/`);
    if (intent.queue && !(intent.queue in c.routing.queues))
      fail(file, 'queue', `no queue "${intent.queue}" in ${contentLayout.routing}`);
  }
  const a = c.assistant;
  if (!c.intents.has(a.escape.intent)) fail(contentLayout.assistant, 'escape.intent', `no intent "${a.escape.intent}"`);
  for (const [field, q] of [
    ['fallback.queue', a.fallback.queue],
    ['verification.queue', a.verification.queue],
  ] as const)
    if (!(q in c.routing.queues)) fail(contentLayout.assistant, field, `no queue "${q}" in ${contentLayout.routing}`);
  c.routing.rules.forEach((r, i) => {
    if (r.queue && !(r.queue in c.routing.queues)) fail(contentLayout.routing, `rules[${i}].queue`, `no queue "${r.queue}"`);
  });
  const segments = new Set(c.segments.segments.map((s) => s.segment));
  if (!segments.has(c.segments.unknown)) fail(contentLayout.segments, 'unknown', `no segment "${c.segments.unknown}"`);
  for (const s of Object.keys(c.routing.priority.by_segment))
    if (!segments.has(s)) fail(contentLayout.routing, `priority.by_segment.${s}`, `no segment "${s}" in ${contentLayout.segments}`);
}
