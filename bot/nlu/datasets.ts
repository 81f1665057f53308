/**
 * Labelled utterances for training and evaluation, from CSV (text, label) or
 * from the project's YAML: a content folder (intents/ and
 * rules/out_of_scope.yaml), a folder of intent files, or one file.
 * Out-of-scope examples carry the label `oos`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { contentLayout } from '../content/load';
import { labelledFromCsv, type LabelledText } from './csv';
import { OOS } from './evaluate';

function fromYamlFile(file: string): LabelledText[] {
  const doc = parse(readFileSync(file, 'utf8')) as { intent?: string; examples?: unknown[] } | null;
  if (!doc || !Array.isArray(doc.examples)) throw new Error(`${file}: no examples list`);
  const label = typeof doc.intent === 'string' ? doc.intent : OOS;
  return doc.examples.filter((e): e is string => typeof e === 'string').map((text) => ({ text, label }));
}

export function loadLabelled(path: string): LabelledText[] {
  if (!existsSync(path)) throw new Error(`${path}: not found`);
  if (statSync(path).isDirectory()) {
    const intents = join(path, contentLayout.intents);
    if (existsSync(intents) && statSync(intents).isDirectory()) {
      const oos = join(path, contentLayout.outOfScope);
      return [...loadLabelled(intents), ...(existsSync(oos) ? fromYamlFile(oos) : [])];
    }
    return readdirSync(path)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .flatMap((f) => fromYamlFile(join(path, f)));
  }
  if (/\.csv$/i.test(path)) return labelledFromCsv(readFileSync(path, 'utf8'), path);
  if (/\.ya?ml$/i.test(path)) return fromYamlFile(path);
  throw new Error(`${path}: give a .csv file, a .yaml file or a folder`);
}
