/**
 * Hot reload: when a content file changes while the bot runs, the content is
 * loaded and the model retrained, then swapped in whole. A broken edit keeps
 * the last good content and the log says why (file, line, field).
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import { contentLayout, type Content } from './load';
import { ContentError } from './yaml-file';

export interface ReloadResult {
  ok: boolean;
  /** Why the edit was refused, when it was. */
  error?: string;
}

export interface ContentWatcher {
  close(): void;
  /** Reloads now (what a file change triggers after a short pause). */
  reload(): ReloadResult;
}

/** Watches the content folders; `build` loads and trains (the engine's brain), `swap` puts it in service. */
export function watchContent<Brain extends { content: Content }>(
  dir: string,
  build: (dir: string) => Brain,
  swap: (brain: Brain) => void,
  log: Logger,
  opts: { debounceMs?: number; onReload?: (result: ReloadResult) => void } = {},
): ContentWatcher {
  const reload = (): ReloadResult => {
    const started = Date.now();
    try {
      const brain = build(dir);
      swap(brain);
      log.info('content.reloaded', { intents: brain.content.intents.size, dialogs: brain.content.dialogs.size, ms: Date.now() - started });
      for (const warning of brain.content.warnings) log.warn('content.warning', { warning });
      return { ok: true };
    } catch (err) {
      const error = err instanceof ContentError ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
      log.warn('content.reload_refused', { error, hint: 'the bot keeps running with the last good content; fix the file and save again' });
      return { ok: false, error };
    }
  };
  let timer: NodeJS.Timeout | null = null;
  const changed = () => {
    if (timer) clearTimeout(timer);
    // Editors save in several writes: wait for the burst to end.
    timer = setTimeout(() => {
      timer = null;
      // Reload first, then tell whoever listens: `onReload?.(reload())` would skip the reload without a listener.
      const result = reload();
      opts.onReload?.(result);
    }, opts.debounceMs ?? 300);
  };
  const watchers: FSWatcher[] = [contentLayout.intents, contentLayout.dialogs, 'rules', contentLayout.processes].flatMap((sub) => {
    try {
      return [watch(join(dir, sub), changed)];
    } catch {
      return [];
    }
  });
  return {
    reload,
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
