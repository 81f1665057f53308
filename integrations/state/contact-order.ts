/** The order an agent's own contacts are listed in, the same in every backend. */
import type { ContactRecord } from '../../bot/engine/store';

/** The longest held first (by the last change), then by id. */
export function byHeldOrder(a: ContactRecord, b: ContactRecord): number {
  return a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id);
}
