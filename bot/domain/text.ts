/**
 * How text is compared and how templates name their values: shared by the
 * engine, which renders and matches, and the content check, which validates.
 */

/** Lower-case words and digits only, single-spaced: how answers and phrases are compared. */
export function plainWords(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

const placeholder = /\{([a-z_][a-z0-9_.]*)(?:\|([a-z]+))?\}/gi;

/** The variable names a template uses (`{first_name}`, `{balance|money}`), for the validator. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(placeholder)].map((m) => m[1]!);
}
