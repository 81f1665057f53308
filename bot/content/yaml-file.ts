/**
 * Reads one YAML file and validates it with a zod schema, turning any
 * problem into a {@link ContentError} whose message is one line:
 * `intents/check_balance.yaml:12 examples[3]: Expected string, received number`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { isMap, isNode, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { z } from 'zod';
import { salvage } from './salvage';

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
    const quote = syntax.code === 'MISSING_CHAR' ? unclosedQuote(text, syntax.pos[0]) : null;
    // YAML notices a missing closing quote only where the file ends: point at where it opens.
    if (quote) throw new ContentError(name, counter.linePos(quote.offset).line, quote.field, `this ${quote.char} quote is never closed`);
    const line = counter.linePos(syntax.pos[0]).line;
    const what = syntax.message.split('\n')[0];
    throw new ContentError(name, line, null, what);
  }
  const data: unknown = doc.toJS();
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = pickIssue(result.error.issues.flatMap((i) => unknownFields(i, schema)));
  const line = keyLine(doc, counter, issue.path);
  const field = fieldPath(issue.path) || '(top level)';
  throw new ContentError(name, line ?? 1, field, issue.message);
}

/** What reading a file found: its content (possibly salvaged, see below) and everything wrong with it. */
export interface ParsedFile<T> {
  /**
   * The content; when the file has schema errors, what is left with the failing parts taken out
   * (bot/content/salvage.ts), for the cross-reference check alone. Null when even that fails.
   */
  item: T | null;
  /** Every problem of the file, in line order; none when `item` is the file as written. */
  errors: ContentError[];
}

/** Like {@link parseYaml}, but reports every schema error of the file and salvages what can still be cross-checked. */
export function parseYamlAll<S extends z.ZodTypeAny>(text: string, file: string, schema: S, root?: string): ParsedFile<z.output<S>> {
  const name = displayName(file, root);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    try {
      parseYaml(text, file, schema, root);
    } catch (err) {
      if (err instanceof ContentError) return { item: null, errors: [err] };
      throw err;
    }
  }
  const data: unknown = doc.toJS();
  const result = schema.safeParse(data);
  if (result.success) return { item: result.data as z.output<S>, errors: [] };
  const leaves = (error: z.ZodError) => leafIssues(error, schema);
  const errors = leaves(result.error)
    .map((issue) => new ContentError(name, keyLine(doc, counter, issue.path) ?? 1, fieldPath(issue.path) || '(top level)', issue.message))
    .filter((e, i, all) => all.findIndex((o) => o.message === e.message) === i)
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { item: salvage(data, schema, leaves), errors };
}

/**
 * Each schema error once, at its own field: a union's failure as its branch's
 * issue, an unknown key at the key. A typo'd field makes its neighbours fail
 * too ("Required"): at that level only the typo is reported.
 */
function leafIssues(error: z.ZodError, schema: z.ZodTypeAny): Issue[] {
  const leaves = error.issues.flatMap((i) => unknownFields(i, schema)).map((i) => pickIssue([i]));
  const typoLevels = new Set(leaves.filter((i) => i.unknownField).map((i) => fieldPath(i.path.slice(0, -1))));
  return leaves.filter((i) => i.unknownField || (!typoLevels.has(fieldPath(i.path.slice(0, -1))) && !typoLevels.has(fieldPath(i.path))));
}

/** The message zod issues carry for a field no schema knows, so every file reports it alike. */
export function unknownFieldMessage(key: string, known: readonly string[]): string {
  const near = closest(key, known);
  return `unknown field "${key}"${near ? `; did you mean ${near}?` : ''}`;
}

type Issue = z.ZodIssue & { unknownField?: boolean };

/** One issue per unknown key, at the key, with the field probably meant. */
function unknownFields(issue: z.ZodIssue, schema: z.ZodTypeAny): Issue[] {
  if (issue.code === 'custom' && (issue.params as { unknownField?: boolean } | undefined)?.unknownField) return [{ ...issue, unknownField: true }];
  if (issue.code === 'invalid_union')
    return [{ ...issue, unionErrors: issue.unionErrors.map((e) => new z.ZodError(e.issues.flatMap((i) => unknownFields(i, schema)))) }];
  if (issue.code !== 'unrecognized_keys') return [issue];
  const known = keysAt(schema, issue.path);
  return issue.keys.map((key) => ({ code: 'custom', path: [...issue.path, key], message: unknownFieldMessage(key, known), unknownField: true }));
}

/** The field names an object schema allows at `path`, or none when it cannot be told. */
export function keysAt(schema: z.ZodTypeAny, path: FieldPath): string[] {
  const unwrap = (t: z.ZodTypeAny): z.ZodTypeAny => {
    if (t instanceof z.ZodEffects) return unwrap(t.innerType() as z.ZodTypeAny);
    if (t instanceof z.ZodDefault) return unwrap(t.removeDefault() as z.ZodTypeAny);
    if (t instanceof z.ZodOptional || t instanceof z.ZodNullable) return unwrap(t.unwrap() as z.ZodTypeAny);
    if (t instanceof z.ZodLazy) return unwrap(t.schema as z.ZodTypeAny);
    return t;
  };
  let at: z.ZodTypeAny | undefined = schema;
  for (const key of path) {
    const t: z.ZodTypeAny = unwrap(at);
    at =
      t instanceof z.ZodObject ? (t.shape as Record<string, z.ZodTypeAny>)[String(key)]
      : t instanceof z.ZodArray ? (t.element as z.ZodTypeAny)
      : t instanceof z.ZodRecord ? (t.valueSchema as z.ZodTypeAny)
      : undefined;
    if (!at) return [];
  }
  const t = unwrap(at);
  return t instanceof z.ZodObject ? Object.keys(t.shape as object) : [];
}

/** The candidate a typo most likely meant (a few letters off), or null. */
export function closest(word: string, candidates: Iterable<string>): string | null {
  let best: { name: string; d: number } | null = null;
  for (const name of candidates) {
    const d = editDistance(word.toLowerCase(), name.toLowerCase());
    if (d > 0 && d <= Math.max(2, Math.floor(name.length / 3)) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The line of the key at the end of `path` (not of its value, which may start lines later). */
function keyLine(doc: Document, counter: LineCounter, path: FieldPath): number | null {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path.at(-1)));
    if (pair && isNode(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
  }
  return lineOf(doc, counter, path);
}

/**
 * The quoted scalar left open that YAML ran into the end of the file with:
 * where it opens, its quote, and the field it belongs to (found by closing it
 * at the end of its first line and parsing again).
 */
function unclosedQuote(text: string, errorAt: number): { offset: number; char: string; field: string | null } | null {
  let offset = 0;
  let open: { offset: number; char: string } | null = null;
  for (const token of new Lexer().lex(text)) {
    // The lexer's control tokens (document start, scalar marker …) take no room in the text.
    if (/^[\u0002\u0018\u001f\ufeff]$/.test(token)) continue;
    const start = offset;
    offset += token.length;
    if ((token[0] === '"' || token[0] === "'") && start <= errorAt && errorAt <= offset) open = { offset: start, char: token[0] };
  }
  if (!open) return null;
  const eol = text.indexOf('\n', open.offset);
  const end = eol < 0 ? text.length : eol;
  const patched = parseDocument(`${text.slice(0, end).trimEnd()}${open.char}${text.slice(end)}`);
  let field: string | null = null;
  if (patched.errors.length === 0)
    visit(patched, {
      Scalar(_key, node, ancestors) {
        if (node.range?.[0] !== open.offset) return undefined;
        const chain = [...ancestors, node];
        const path: (string | number)[] = [];
        chain.forEach((a, i) => {
          const b = chain[i + 1];
          if (isPair(a) && b !== undefined && b === a.value) path.push(isScalar(a.key) ? String(a.key.value) : String(a.key));
          else if (isSeq(a) && b !== undefined) path.push(a.items.indexOf(b as never));
        });
        field = fieldPath(path) || null;
        return visit.BREAK;
      },
    });
  return { ...open, field };
}

/**
 * A union's failure nests the real cause; report the branch that got furthest
 * (the longest path), which is what an editor means. A field nobody knows
 * comes first: it is the typo that made the rest go wrong ("Required").
 */
function pickIssue(issues: Issue[]): Issue {
  let best = issues[0]!;
  const visitIssue = (issue: Issue) => {
    if (issue.code === 'invalid_union') {
      for (const err of issue.unionErrors) for (const inner of err.issues) visitIssue(inner);
      return;
    }
    if (best.unknownField && !issue.unknownField) return;
    if ((issue.unknownField && !best.unknownField) || issue.path.length > best.path.length || best.code === 'invalid_union') best = issue;
  };
  issues.forEach(visitIssue);
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

/** Like {@link readYaml}, with every problem of the file and what can still be cross-checked. */
export function readYamlAll<S extends z.ZodTypeAny>(file: string, schema: S, root?: string): ParsedFile<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { item: null, errors: [new ContentError(displayName(file, root), null, null, `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)] };
  }
  return parseYamlAll(text, file, schema, root);
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
