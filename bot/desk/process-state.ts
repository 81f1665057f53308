/**
 * What a guided process keeps and shows: the snapshot of a run as the store
 * holds it (the latest snapshot of a run is where it stands), and the panel
 * the desk page renders.
 */
import type { Json } from '../engine/store';
import type { FormValue, FormView } from './process-program';

export type RunStatus = 'open' | 'failed' | 'completed' | 'cancelled';

/** One run of a process on one contact, as stored after each change. */
export interface RunState {
  /** 1, 2 … per contact. */
  run: number;
  process: string;
  label: string;
  /** The process definition it started with: a run never continues on a changed process. */
  version: string;
  /** Who started it. */
  agent: { id: string; name: string };
  startedAt: string;
  updatedAt: string;
  /** Where it stands in the compiled program. */
  pc: number;
  /** The forms' answers and the actions' results (`as.field`). */
  values: Record<string, FormValue>;
  /** What was done, for the contact's note. */
  notes: string[];
  status: RunStatus;
  outcome: string | null;
  /** Why it waits (`failed`): the back office's words. */
  problem: string | null;
}

export interface ProcessOption {
  process: string;
  label: string;
  description: string | null;
}

export interface RunView {
  run: number;
  process: string;
  label: string;
  status: RunStatus;
  /** The form it waits on, or null (failed: retry or cancel). */
  form: FormView | null;
  problem: string | null;
  agentName: string;
}

export interface DoneView {
  run: number;
  process: string;
  label: string;
  status: RunStatus;
  outcome: string | null;
  notes: string[];
  agentName: string;
  at: string;
}

/** The panel on the contact's card. */
export interface ProcessPanel {
  /** They fit the contact's intent and the customer. */
  proposed: ProcessOption[];
  /** They fit the customer, not the intent: there if the conversation turned. */
  more: ProcessOption[];
  running: RunView | null;
  /** Completed and cancelled runs, newest first. */
  done: DoneView[];
  /** The agent holds the contact: may start, submit, retry and cancel. */
  canAct: boolean;
}

/** The latest snapshot of each run, in the order the runs started. */
export function runState(items: readonly Json[]): RunState[] {
  const runs = new Map<number, RunState>();
  for (const item of items) {
    const run = item as unknown as RunState;
    if (typeof run?.run === 'number') runs.set(run.run, run);
  }
  return [...runs.values()].sort((a, b) => a.run - b.run);
}
