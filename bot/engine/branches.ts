/**
 * Steps with `if:`/`then:`/`else:` flattened into instructions with forward
 * jumps: where a dialog or a guided process stands is then one number that
 * any instance can resume. Dialogs and processes share this; each says how
 * its own steps become instructions.
 */
import type { Condition } from '../content/schemas';

/** Skip to `jump` unless `when` holds; go to `to`. */
export type BranchInstruction = { op: 'unless'; when: Condition; jump: number } | { op: 'jump'; to: number };

interface Branch<S> {
  if: Condition;
  then: readonly S[];
  else: readonly S[];
}

/** Appends `steps` to `out`, branches as jumps and every other step as `leaf` emits it. */
export function flattenSteps<S extends object, I>(steps: readonly S[], out: (I | BranchInstruction)[], leaf: (step: Exclude<S, Branch<S>>) => void): void {
  for (const step of steps) {
    if ('if' in step) {
      const { if: when, then, else: otherwise } = step as unknown as Branch<S>;
      const branch = { op: 'unless' as const, when, jump: -1 };
      out.push(branch);
      flattenSteps(then, out, leaf);
      if (otherwise.length) {
        const skip = { op: 'jump' as const, to: -1 };
        out.push(skip);
        branch.jump = out.length;
        flattenSteps(otherwise, out, leaf);
        skip.to = out.length;
      } else branch.jump = out.length;
    } else leaf(step as Exclude<S, Branch<S>>);
  }
}
