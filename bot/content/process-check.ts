/**
 * The content check of guided processes: the intents they fit, the facts
 * their conditions and texts name, the back-office actions they call and the
 * arguments they pass, and forms the desk can tell apart. Run by
 * `checkContent` with the same helpers dialogs use, so a process is refused
 * at start-up, on hot reload and by `npm run validate` alike.
 */
import type { Condition } from './schemas';
import type { ProcessStep } from './process-schema';
import type { ContentFiles } from './files';
import { unknown } from './references';
import type { FieldPath } from './yaml-file';

export interface ProcessCheckTools {
  at: (file: string, path: FieldPath, message: string) => void;
  /** Fact names (or the process's own values in `extra`) and the names compared with. */
  checkCondition: (file: string, path: FieldPath, cond: Condition | undefined, extra?: Set<string>) => void;
  /** Placeholders must be facts or values of the process. */
  checkText: (file: string, path: FieldPath, text: string | undefined, extra: Set<string>, spoken: boolean, owner: 'process') => void;
  /** Action name → the argument keys it takes (null: any). */
  actionArgs: Readonly<Record<string, readonly string[] | null>>;
  intents: ReadonlySet<string>;
}

/** The values a process's steps make: form fields, action results (`as`), `set:` keys. */
export function processValues(steps: readonly ProcessStep[], into = new Set<string>()): Set<string> {
  for (const step of steps) {
    if ('form' in step) step.fields.forEach((f) => into.add(f.field));
    if ('call' in step) into.add(step.as ?? step.call.replace(/\./g, '_'));
    if ('set' in step) Object.keys(step.set).forEach((k) => into.add(k));
    if ('if' in step) (processValues(step.then, into), processValues(step.else, into));
  }
  return into;
}

export function checkProcesses(processes: ContentFiles['processes'], tools: ProcessCheckTools): void {
  const { at, checkCondition, actionArgs, intents } = tools;
  // Agents read these; nothing is spoken to a caller.
  const checkText = (file: string, path: FieldPath, text: string | undefined, values: Set<string>) => tools.checkText(file, path, text, values, false, 'process');
  for (const { file, item } of processes.values()) {
    item.intents.forEach((n, i) => {
      if (!intents.has(n)) at(file, ['intents', i], unknown('intent', n, intents));
    });
    checkCondition(file, ['when'], item.when);
    const values = processValues(item.steps);
    const forms = new Map<string, string>();
    const check = (steps: readonly ProcessStep[], path: FieldPath): void =>
      steps.forEach((step, i) => {
        const p = [...path, i];
        if ('form' in step) {
          const seen = forms.get(step.form);
          if (seen) at(file, [...p, 'form'], `another form is called "${step.form}" (${seen}); give each form its own name`);
          else forms.set(step.form, p.join('.'));
          checkText(file, [...p, 'title'], step.title, values);
          checkText(file, [...p, 'text'], step.text, values);
          const fields = new Set<string>();
          step.fields.forEach((f, j) => {
            const fp = [...p, 'fields', j];
            if (fields.has(f.field)) at(file, [...fp, 'field'], `this form already has a field "${f.field}"`);
            fields.add(f.field);
            checkText(file, [...fp, 'label'], f.label, values);
            checkText(file, [...fp, 'help'], f.help, values);
            checkText(file, [...fp, 'default'], f.default, values);
          });
        } else if ('call' in step) {
          const accepts = actionArgs[step.call];
          if (accepts === undefined) at(file, [...p, 'call'], `no back-office action "${step.call}" (known: ${Object.keys(actionArgs).join(', ')})`);
          for (const key of Object.keys(step.args))
            if (accepts && !accepts.includes(key))
              at(file, [...p, 'args', key], `${step.call} takes no argument "${key}" (it takes: ${accepts.join(', ') || 'none'})`);
          Object.entries(step.args).forEach(([k, v]) => checkText(file, [...p, 'args', k], v, values));
        } else if ('if' in step) {
          checkCondition(file, [...p, 'if'], step.if, values);
          check(step.then, [...p, 'then']);
          check(step.else, [...p, 'else']);
        } else if ('set' in step) Object.entries(step.set).forEach(([k, v]) => checkText(file, [...p, 'set', k], v, values));
        else if ('end' in step) checkText(file, [...p, 'note'], step.note, values);
        else checkText(file, [...p, 'note'], step.note, values);
      });
    check(item.steps, ['steps']);
  }
}
