/**
 * A process that writes through a store until it is killed (the kill -9
 * test): it says `committed N` after each step has been saved, so the test
 * knows the least that must be found afterwards.
 *
 *   tsx test/support/store-writer.ts sqlite <dir> | redis <url> <prefix>
 */
import type { Store } from '../../bot/engine/store';
import { RedisStore } from '../../integrations/state/redis';
import { SqliteStore } from '../../integrations/state/sqlite';
import { makeHandoff, makeState, STATE_TTL_MS, T0 } from './store-backends';

async function main(): Promise<void> {
  const [kind, where, prefix] = process.argv.slice(2);
  const store: Store =
    kind === 'sqlite'
      ? new SqliteStore(where!, { stateTtlMs: STATE_TTL_MS })
      : new RedisStore({ url: where!, prefix: prefix!, stateTtlMs: STATE_TTL_MS });
  for (let i = 1; ; i++) {
    const now = T0 + i;
    const state = makeState('mid-dialog', { turns: i, dialog: { dialog: 'update_address', intent: 'update_address', pc: i, values: { step: i }, waiting: null } });
    await store.states.save(state, i - 1, now);
    await store.histories.append('mid-dialog', { type: 'message', text: `reply ${i}` }, STATE_TTL_MS, now);
    if (i === 3) await store.waiting.enqueue(makeHandoff('waiting-customer', { conversationId: 'waiting', queue: 'loyalty', priority: 8 }));
    process.stdout.write(`committed ${i}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
