/**
 * Loads every content file of a content directory into one immutable
 * {@link Content}, after the same full check `npm run validate` makes. The
 * first problem stops the load with a {@link ContentError} naming file, line
 * and field; warnings travel with the content, for the log.
 */
import { contentLayout, formatProblem } from './files';
import type { Process } from './process-schema';
import type { AssistantSettings, Dialog, Disposition, Intent, OfferRules, RoutingRules, SegmentRules } from './schemas';
import { checkContent, type BackOfficeActions } from './validate';
import { ContentError } from './yaml-file';

export { contentLayout };

export interface Content {
  intents: ReadonlyMap<string, Intent>;
  dialogs: ReadonlyMap<string, Dialog>;
  segments: SegmentRules;
  routing: RoutingRules;
  offers: OfferRules;
  assistant: AssistantSettings;
  /** Examples of what no intent covers. */
  outOfScope: string[];
  /** Guided processes an agent can start at the desk (processes/*.yaml). */
  processes: ReadonlyMap<string, Process>;
  /** The codes an agent ends a contact with (rules/dispositions.yaml). */
  dispositions: Disposition[];
  /** What the check warns about (`file:line field: detail`), e.g. an intent no conversation test exercises. */
  warnings: readonly string[];
}

export interface LoadOptions {
  /** The back-office actions dialogs may call. */
  actions: BackOfficeActions;
  /** The names of the channels served, for `when: { channel: … }`. */
  channels: readonly string[];
}

export function loadContent(dir: string, opts: LoadOptions): Content {
  const { files, problems, warnings } = checkContent(dir, opts.actions, opts.channels);
  const first = problems[0];
  if (first) throw new ContentError(first.file, first.line, first.field, first.message);
  const { segments, routing, offers, assistant, outOfScope, dispositions } = files;
  // No problem means every file parsed.
  if (!segments || !routing || !offers || !assistant || !outOfScope || !dispositions) throw new ContentError(dir, null, null, 'content incomplete');
  return {
    intents: new Map([...files.intents].map(([k, v]) => [k, v.item])),
    dialogs: new Map([...files.dialogs].map(([k, v]) => [k, v.item])),
    segments,
    routing,
    offers,
    assistant,
    outOfScope,
    processes: new Map([...files.processes].map(([k, v]) => [k, v.item])),
    dispositions,
    warnings: warnings.map(formatProblem),
  };
}
