/**
 * Names that must resolve across files: the intent's dialog and queue, the
 * routing rules' queues, the segments — and the names inside conditions
 * (`when:`, `if:`), where `intent: cancel_servce` would otherwise never match
 * and nobody would notice.
 */
import { basename } from 'node:path';
import { contentLayout, type ContentFiles, type Report } from './files';
import { OUT_OF_SCOPE, type Condition } from './schemas';
import { closest, type FieldPath } from './yaml-file';

/** Every name content may refer to. Null where the file defining them did not load. */
export interface Names {
  intents: ReadonlySet<string>;
  queues: ReadonlySet<string> | null;
  segments: ReadonlySet<string> | null;
  channels: ReadonlySet<string>;
}

/** `channels`: the registered channel names (content cannot define them: channel folders do). */
export function namesOf(files: ContentFiles, channels: readonly string[]): Names {
  return {
    // A file that could not be read is named after its intent: a reference to it is no error of the referrer.
    intents: new Set([...files.intents.keys(), ...[...files.unread].filter((f) => f.startsWith(`${contentLayout.intents}/`)).map((f) => basename(f).replace(/\.ya?ml$/, ''))]),
    queues: files.routing ? new Set(Object.keys(files.routing.queues)) : null,
    segments: files.segments ? new Set(files.segments.segments.map((s) => s.segment)) : null,
    channels: new Set(channels),
  };
}

export type Kind = 'intent' | 'queue' | 'segment' | 'channel';

/** A name that does not resolve, with the one probably meant. */
export function unknown(kind: Kind, name: string, known: ReadonlySet<string>): string {
  if (kind === 'channel') return `no channel "${name}" (${[...known].join(', ')})`;
  const meant = closest(name, known);
  return `no ${kind} "${name}"${meant ? `; did you mean ${meant}?` : ''}`;
}

const didYouMean = (name: string, known: Iterable<string>) => {
  const meant = closest(name, known);
  return meant ? `; did you mean ${meant}?` : '';
};

/** Facts whose values are names defined in content. */
const nameFacts: Record<string, Kind> = { intent: 'intent', topic: 'intent', segment: 'segment', queue: 'queue', channel: 'channel' };

const known = (names: Names, kind: Kind): ReadonlySet<string> | null =>
  kind === 'intent' ? names.intents : kind === 'queue' ? names.queues : kind === 'segment' ? names.segments : names.channels;

/** The name a condition value compares with: `gold`, `"!= gold"`, `"has gold"`; null for `set`/`unset`. */
function comparedName(value: string | number | boolean | null): string | null {
  if (value === null) return null;
  const v = String(value).trim();
  if (v === 'set' || v === 'unset') return null;
  return /^(?:>=|<=|>|<|!=|==|has\s|lacks\s)\s*(.+)$/.exec(v)?.[1]?.trim() ?? v;
}

/** Every name inside a condition on intent, topic, segment, queue or channel must exist. */
export function checkConditionNames(file: string, path: FieldPath, cond: Condition | undefined, names: Names, report: Report): void {
  for (const [key, value] of Object.entries(cond ?? {})) {
    const kind = nameFacts[key];
    const valid = kind ? known(names, kind) : null;
    if (!kind || !valid) continue;
    const values = Array.isArray(value) ? value.map((v, i) => [v, [...path, key, i]] as const) : [[value, [...path, key]] as const];
    for (const [v, at] of values) {
      const name = comparedName(v);
      if (name !== null && !valid.has(name)) report(file, at, unknown(kind, name, valid));
    }
  }
}

/**
 * The cross-file references the engine cannot run without: the intent's
 * dialog and queue, the assistant's escape intent and queues, routing queues,
 * segments named in priorities.
 */
export function checkReferences(files: ContentFiles, names: Names, report: Report): void {
  const intentFile = (name: string) => files.intents.get(name)?.file ?? `${contentLayout.intents}/${name}.yaml`;
  const checkQueue = (file: string, path: FieldPath, queue: string | undefined) => {
    if (names.queues && queue && !names.queues.has(queue))
      report(file, path, `${unknown('queue', queue, names.queues)}${file === contentLayout.routing ? '' : ` in ${contentLayout.routing}`}`);
  };
  if (files.intents.size === 0) report(contentLayout.intents, [], 'no intent files');
  if (files.intents.has(OUT_OF_SCOPE))
    report(intentFile(OUT_OF_SCOPE), ['intent'], `"${OUT_OF_SCOPE}" is reserved: put such examples in ${contentLayout.outOfScope}`);
  for (const { item: intent } of files.intents.values()) {
    if (intent.dialog && !files.dialogs.has(intent.dialog))
      report(intentFile(intent.intent), ['dialog'], `no dialog "${intent.dialog}" in ${contentLayout.dialogs}/${didYouMean(intent.dialog, files.dialogs.keys())}`);
    checkQueue(intentFile(intent.intent), ['queue'], intent.queue);
  }
  const a = files.assistant;
  if (a) {
    if (!names.intents.has(a.escape.intent)) report(contentLayout.assistant, ['escape', 'intent'], unknown('intent', a.escape.intent, names.intents));
    checkQueue(contentLayout.assistant, ['fallback', 'queue'], a.fallback.queue);
    checkQueue(contentLayout.assistant, ['verification', 'queue'], a.verification.queue);
  }
  files.routing?.rules.forEach((r, i) => checkQueue(contentLayout.routing, ['rules', i, 'queue'], r.queue));
  if (!files.segments || !names.segments) return;
  if (!names.segments.has(files.segments.unknown)) report(contentLayout.segments, ['unknown'], `no segment "${files.segments.unknown}"`);
  for (const s of Object.keys(files.routing?.priority.by_segment ?? {}))
    if (!names.segments.has(s)) report(contentLayout.routing, ['priority', 'by_segment', s], `no segment "${s}" in ${contentLayout.segments}`);
}
