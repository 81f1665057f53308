/**
 * Reads one YAML file and validates it with a zod schema, turning any
 * problem into a {@link ContentError} whose message is one line:
 * `intents/check_balance.yaml:12 examples[3]: Expected string, received number`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';

/** A content file is broken. The message names file, line and field. */
export class ContentError extends Error {
  /** What is wrong, without where: `Expected string, received number`. */
  readonly detail: string;

  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    detail: string,
  ) {
    // file:line field: detail · file:line detail · file: detail
    super(line === null ? `${file}: ${detail}` : `${file}:${line} ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'ContentError';
    this.detail = detail;
  }
}

export type FieldPath = readonly (string | number)[];

/** A ContentError at `path` of a YAML file, its line looked up in the file. */
export function errorAt(file: string, path: FieldPath, detail: string, root?: string): ContentError {
  return new ContentError(displayName(file, root), locate(file, path) ?? 1, fieldPath(path) || '(top level)', detail);
}

/** `a.b[2].c` from a zod issue path. */
export function fieldPath(path: FieldPath): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : String(key)),
    '',
  );
}

/** The 1-based line of the deepest node along `path` that exists in the document. */
function lineOf(doc: Document, counter: LineCounter, path: FieldPath): number | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return null;
}

export function displayName(file: string, root = process.cwd()): string {
  const rel = relative(root, file);
  return rel.startsWith('..') ? file : rel;
}

/** Parses `text` as YAML (reporting `file` relative to `root`) and validates it. */
export function parseYaml<S extends z.ZodTypeAny>(text: string, file: string, schema: S, root?: string): z.output<S> {
  const name = displayName(file, root);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = counter.linePos(syntax.pos[0]).line;
    const what = syntax.message.split('\n')[0];
    throw new ContentError(name, line, null, what);
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issue = pickIssue(result.error.issues);
  const line = lineOf(doc, counter, issue.path);
  const field = fieldPath(issue.path) || '(top level)';
  throw new ContentError(name, line ?? 1, field, issue.message);
}

/**
 * A union's failure nests the real cause; report the branch that got furthest
 * (the longest path), which is what an editor means.
 */
function pickIssue(issues: z.ZodIssue[]): z.ZodIssue {
  let best = issues[0]!;
  const visit = (issue: z.ZodIssue) => {
    if (issue.code === 'invalid_union') {
      for (const err of issue.unionErrors) for (const inner of err.issues) visit(inner);
      return;
    }
    if (issue.path.length > best.path.length || best.code === 'invalid_union') best = issue;
  };
  issues.forEach(visit);
  return best;
}

export function readYaml<S extends z.ZodTypeAny>(file: string, schema: S, root?: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ContentError(displayName(file, root), null, null, `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseYaml(text, file, schema, root);
}

/** The line of `path` (e.g. `['rules', 2, 'queue']`) in a YAML file, or null. */
export function locate(file: string, path: FieldPath): number | null {
  try {
    const counter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: counter });
    return lineOf(doc, counter, path);
  } catch {
    return null;
  }
}
