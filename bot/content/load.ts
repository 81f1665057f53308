/**
 * Loads every content file of a content directory, validated, into one
 * immutable {@link Content}. The first problem stops the load with a
 * {@link ContentError} naming file, line and field.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ContentError, errorAt, readYaml, type FieldPath } from './yaml-file';
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

/** Where a content problem was found, as `checkReferences` reports it. */
export type Report = (file: string, path: FieldPath, detail: string) => void;

/**
 * Reads every YAML file of a content folder (`intents/`, `dialogs/`); the
 * name inside each must match its file name. Problems go to `onError`, which
 * may throw (start-up) or collect (`npm run validate`).
 */
export function readFolder<S extends z.ZodTypeAny>(
  dir: string,
  folder: string,
  schema: S,
  key: keyof z.output<S> & string,
  onError: (err: ContentError) => void,
): Map<string, { file: string; item: z.output<S> }> {
  const out = new Map<string, { file: string; item: z.output<S> }>();
  let names: string[] = [];
  try {
    names = readdirSync(join(dir, folder));
  } catch {
    onError(new ContentError(folder, null, null, 'folder missing'));
  }
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = `${folder}/${name}`;
    let item: z.output<S>;
    try {
      item = readYaml(join(dir, file), schema, dir);
    } catch (err) {
      if (!(err instanceof ContentError)) throw err;
      onError(err);
      continue;
    }
    const named = String(item[key]);
    if (`${folder}/${named}.yaml` !== file && `${folder}/${named}.yml` !== file)
      onError(errorAt(join(dir, file), [key], `"${named}" differs from the file name; rename one so they match`, dir));
    out.set(named, { file, item });
  }
  return out;
}

const items = <T>(m: Map<string, { item: T }>) => new Map([...m].map(([k, v]) => [k, v.item]));

export function loadContent(dir: string): Content {
  const raise = (err: ContentError): never => {
    throw err;
  };
  const intents = items(readFolder(dir, contentLayout.intents, intentSchema, 'intent', raise));
  const dialogs = items(readFolder(dir, contentLayout.dialogs, dialogSchema, 'dialog', raise));
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
  checkReferences(content, (file, path, detail) => raise(errorAt(join(dir, file), path, detail, dir)));
  return content;
}

/** Content as far as it loaded: `npm run validate` checks what it has. */
export interface ContentParts {
  intents: ReadonlyMap<string, Intent>;
  dialogs: ReadonlyMap<string, Dialog>;
  segments: SegmentRules | null;
  routing: RoutingRules | null;
  assistant: AssistantSettings | null;
}

/**
 * The cross-file references the engine cannot run without: start-up stops at
 * the first, `npm run validate` lists them all (and checks more).
 */
export function checkReferences(c: ContentParts, report: Report): void {
  const intentFile = (name: string) => `${contentLayout.intents}/${name}.yaml`;
  const queues = c.routing ? new Set(Object.keys(c.routing.queues)) : null;
  const checkQueue = (file: string, path: FieldPath, queue: string | undefined) => {
    if (queues && queue && !queues.has(queue))
      report(file, path, `no queue "${queue}"${file === contentLayout.routing ? '' : ` in ${contentLayout.routing}`}`);
  };
  if (c.intents.size === 0) report(contentLayout.intents, [], 'no intent files');
  if (c.intents.has(OUT_OF_SCOPE))
    report(intentFile(OUT_OF_SCOPE), ['intent'], `"${OUT_OF_SCOPE}" is reserved: put such examples in ${contentLayout.outOfScope}`);
  for (const intent of c.intents.values()) {
    if (intent.dialog && !c.dialogs.has(intent.dialog))
      report(intentFile(intent.intent), ['dialog'], `no dialog "${intent.dialog}" in ${contentLayout.dialogs}/`);
    checkQueue(intentFile(intent.intent), ['queue'], intent.queue);
  }
  const a = c.assistant;
  if (a) {
    if (!c.intents.has(a.escape.intent)) report(contentLayout.assistant, ['escape', 'intent'], `no intent "${a.escape.intent}"`);
    checkQueue(contentLayout.assistant, ['fallback', 'queue'], a.fallback.queue);
    checkQueue(contentLayout.assistant, ['verification', 'queue'], a.verification.queue);
  }
  c.routing?.rules.forEach((r, i) => checkQueue(contentLayout.routing, ['rules', i, 'queue'], r.queue));
  if (!c.segments) return;
  const segments = new Set(c.segments.segments.map((s) => s.segment));
  if (!segments.has(c.segments.unknown)) report(contentLayout.segments, ['unknown'], `no segment "${c.segments.unknown}"`);
  for (const s of Object.keys(c.routing?.priority.by_segment ?? {}))
    if (!segments.has(s)) report(contentLayout.routing, ['priority', 'by_segment', s], `no segment "${s}" in ${contentLayout.segments}`);
}
