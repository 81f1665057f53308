/**
 * The files of a content directory: where each kind lives, and reading them
 * all against their schemas. Every problem goes to one callback, which may
 * collect (`npm run validate`) or stop at the first (start-up, hot reload).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  assistantSchema,
  dialogSchema,
  intentSchema,
  offersSchema,
  outOfScopeSchema,
  dispositionsSchema,
  type Disposition,
  routingSchema,
  segmentsSchema,
  type AssistantSettings,
  type Dialog,
  type Intent,
  type OfferRules,
  type RoutingRules,
  type SegmentRules,
} from './schemas';
import { processSchema, type Process } from './process-schema';
import { ContentError, errorAt, readYamlAll, type FieldPath } from './yaml-file';

/** Where each kind of content lives inside a content directory. */
export const contentLayout = {
  intents: 'intents',
  dialogs: 'dialogs',
  segments: 'rules/segments.yaml',
  routing: 'rules/routing.yaml',
  offers: 'rules/offers.yaml',
  assistant: 'rules/assistant.yaml',
  outOfScope: 'rules/out_of_scope.yaml',
  /** Guided processes an agent at the desk can start; the folder is optional. */
  processes: 'processes',
  /** The codes an agent ends a contact with at the desk (optional: none, no desk endings). */
  dispositions: 'rules/dispositions.yaml',
  /** Conversation tests: not content, but the content check warns about intents none of them exercises. */
  conversationTests: 'test/conversations',
} as const;

/** One thing wrong (or worth a warning) in a file: `file:line field: message`. */
export interface Problem {
  file: string;
  line: number | null;
  field: string | null;
  message: string;
}

export function formatProblem(p: Problem): string {
  return new ContentError(p.file, p.line, p.field, p.message).message;
}

export const problemOf = (err: ContentError): Problem => ({ file: err.file, line: err.line, field: err.field, message: err.detail });

/** Where a content problem was found, relative to the content directory. */
export type Report = (file: string, path: FieldPath, detail: string) => void;

/** Each file's parsed content, or null (and a problem reported) when it did not parse. */
export interface ContentFiles {
  intents: Map<string, { file: string; item: Intent }>;
  dialogs: Map<string, { file: string; item: Dialog }>;
  segments: SegmentRules | null;
  routing: RoutingRules | null;
  offers: OfferRules | null;
  assistant: AssistantSettings | null;
  outOfScope: string[] | null;
  processes: Map<string, { file: string; item: Process }>;
  dispositions: Disposition[] | null;
  /**
   * Files not even partly read (a YAML syntax error, a schema error in what the file hangs on): the
   * names they define are unknown, so no check says "nothing uses X" because of them.
   */
  unread: Set<string>;
}

/**
 * Reads every YAML file of a content folder (`intents/`, `dialogs/`); the
 * name inside each must match its file name.
 */
export function readFolder<S extends z.ZodTypeAny>(
  dir: string,
  folder: string,
  schema: S,
  key: keyof z.output<S> & string,
  onError: (err: ContentError) => void,
  unread = new Set<string>(),
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
    // A file with schema errors still takes part, salvaged, in the cross-reference check (its errors refuse the content).
    const { item, errors } = readYamlAll(join(dir, file), schema, dir);
    errors.forEach(onError);
    if (item === null) {
      unread.add(file);
      continue;
    }
    const named = String(item[key]);
    if (`${folder}/${named}.yaml` !== file && `${folder}/${named}.yml` !== file)
      onError(errorAt(join(dir, file), [key], `"${named}" differs from the file name; rename one so they match`, dir));
    out.set(named, { file, item });
  }
  return out;
}

/** Reads every content file; what does not parse is null and reported. */
export function readContentFiles(dir: string, onError: (err: ContentError) => void): ContentFiles {
  const unread = new Set<string>();
  const load = <S extends z.ZodTypeAny>(file: string, schema: S): z.output<S> | null => {
    const { item, errors } = readYamlAll(join(dir, file), schema, dir);
    errors.forEach(onError);
    if (item === null) unread.add(file);
    return item;
  };
  return {
    intents: readFolder(dir, contentLayout.intents, intentSchema, 'intent', onError, unread),
    dialogs: readFolder(dir, contentLayout.dialogs, dialogSchema, 'dialog', onError, unread),
    segments: load(contentLayout.segments, segmentsSchema),
    routing: load(contentLayout.routing, routingSchema),
    offers: load(contentLayout.offers, offersSchema),
    assistant: load(contentLayout.assistant, assistantSchema),
    outOfScope: existsSync(join(dir, contentLayout.outOfScope)) ? (load(contentLayout.outOfScope, outOfScopeSchema)?.examples ?? null) : [],
    processes: existsSync(join(dir, contentLayout.processes)) ? readFolder(dir, contentLayout.processes, processSchema, 'process', onError, unread) : new Map(),
    dispositions: existsSync(join(dir, contentLayout.dispositions)) ? (load(contentLayout.dispositions, dispositionsSchema)?.dispositions ?? null) : [],
    unread,
  };
}
