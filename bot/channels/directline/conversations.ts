/**
 * Direct Line conversations: the activity history lives in the store (any
 * instance reads it, a restart keeps it, the watermark is its position);
 * this process keeps only a small cache of who each conversation belongs to
 * (its message budget is in the store's records). The cache is bounded (DIRECTLINE_MAX_CONVERSATIONS,
 * idle STATE_TTL_MINUTES, stale entries purged on a timer): a conversation
 * pushed out of it is read back from the store, never answered as empty.
 */
import { LRUCache } from 'lru-cache';
import type { HistoryEntry, Json, Store } from '../../engine/store';
import type { Activity } from '../activity';

export interface DirectLineConversation {
  id: string;
  /** The user id of the token that started it. */
  user: string;
  started: boolean;
  /** When the customer's typing was last passed on (ms of the clock), per instance. */
  typingAt?: number;
}

export interface ConversationLimits {
  /** Conversations cached in this process. */
  maxConversations: number;
  /** How long an idle conversation is cached, and how long its history is kept after the last activity. */
  idleMs: number;
  /** Most activities one read returns; a client reads on from the watermark. */
  pageSize?: number;
}

/** What the Direct Line channel needs of the store. */
export type DirectLineStore = Pick<Store, 'histories' | 'deliveries' | 'bus' | 'records' | 'outbox'>;

/** The bus topic on which "look again" for a conversation's stream is published, with the history's new length. */
export const streamTopic = (id: string) => `directline:${id}`;

/** What this process appended last to a conversation's history, for its stream to send without a read. */
interface Tail {
  /** The position of `items[0]`. */
  first: number;
  items: Json[];
  /** When the history expires unless appended to (ms of the clock): the tail is not served after. */
  expiresAt: number;
}

/** Activities a tail keeps (its stream sends them at once: a turn appends two or three). */
const TAIL_ITEMS = 8;
/** Conversations whose tail is kept: those at work right now. */
const TAILS = 2000;

/** A position beyond any history: reading from it returns only the count. */
const END = 2 ** 31;

export class DirectLineConversations {
  private readonly cache: LRUCache<string, DirectLineConversation>;
  private readonly tails = new LRUCache<string, Tail>({ max: TAILS });
  private readonly purging: NodeJS.Timeout;

  constructor(
    private readonly store: DirectLineStore,
    private readonly limits: ConversationLimits,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.cache = new LRUCache({ max: limits.maxConversations, ttl: limits.idleMs, updateAgeOnGet: true });
    // Expired entries leave memory even when nobody asks for them again.
    this.purging = setInterval(() => this.cache.purgeStale(), Math.min(60_000, limits.idleMs));
    this.purging.unref();
  }

  /** Caches a conversation known to this process (new, or found by a valid token). */
  create(id: string, user: string, started = false): DirectLineConversation {
    const c: DirectLineConversation = { id, user, started };
    this.cache.set(id, c);
    return c;
  }

  /** The cached conversation, if this process holds it. */
  get(id: string): DirectLineConversation | undefined {
    return this.cache.get(id);
  }

  /** Most activities one read returns: a read that returns fewer has read to the end. */
  get pageSize(): number {
    return this.limits.pageSize ?? 500;
  }

  /** How many conversations this process caches. */
  get size(): number {
    return this.cache.size;
  }

  /** Whether the store has a history for the conversation (started here, elsewhere, or before a restart). */
  async exists(id: string): Promise<boolean> {
    return (await this.count(id)) > 0;
  }

  /**
   * Whether this caller is the one to start the conversation: exactly one
   * caller on any instance, and none once it has a history.
   */
  async claimStart(id: string): Promise<boolean> {
    if (await this.exists(id)) return false;
    return (await this.store.deliveries.claim(`directline:start:${id}`, this.limits.idleMs, this.nowMs())).status === 'new';
  }

  /**
   * Appends activities (stamped now) to the history, tells every stream of the conversation to look again
   * (unless `quiet`: an append that follows at once tells them of both), and returns their ids.
   */
  async add(c: DirectLineConversation, activities: Activity[], quiet = false): Promise<string[]> {
    const at = this.now();
    const items = activities.map((activity) => ({ ...activity, timestamp: at.toISOString() }) as unknown as Json);
    // One write for the lot: one commit, and the activities stay together in the history.
    if (!items.length) return [];
    const first = await this.store.histories.appendAll(historyKey(c.id), items, this.limits.idleMs, at.getTime());
    this.keepTail(c.id, first, items, at.getTime() + this.limits.idleMs);
    if (!quiet) await this.store.bus.publish(streamTopic(c.id), first + items.length);
    return items.map((_, i) => activityId(c.id, first + i));
  }

  /** Tells every stream of the conversation to look again (after a quiet append nothing followed). */
  async tell(id: string): Promise<void> {
    await this.store.bus.publish(streamTopic(id), await this.count(id));
  }

  /**
   * Activities from `watermark` on (a page at most), and the watermark to read on from. With `known` (the
   * history's length as the bus last told it), what this process appended itself is sent without a read.
   */
  async since(id: string, watermark: number, known?: number): Promise<{ activities: Activity[]; watermark: string }> {
    const read = (known !== undefined && this.fromTail(id, watermark, known)) || (await this.store.histories.since(historyKey(id), watermark, this.nowMs(), this.pageSize));
    const activities = read.entries.map(({ seq, item }) => ({
      ...(item as unknown as Activity),
      id: activityId(id, seq),
      conversation: { id },
      channelId: 'directline',
    }));
    const next = read.entries.length ? read.entries.at(-1)!.seq + 1 : read.watermark;
    return { activities, watermark: String(next) };
  }

  /** Keeps what was just appended at `first` as the conversation's tail (after the tail it continues, else anew). */
  private keepTail(id: string, first: number, items: Json[], expiresAt: number): void {
    const tail = this.tails.get(id);
    const kept = tail && tail.first + tail.items.length === first ? [...tail.items, ...items] : items;
    const dropped = Math.max(0, kept.length - TAIL_ITEMS);
    this.tails.set(id, { first: first + items.length - kept.length + dropped, items: kept.slice(dropped), expiresAt });
  }

  /**
   * The entries from `watermark` to `known` when the tail holds them all (and the history has not expired
   * since: a history that expired starts again from 0); null when the store must be read: another instance
   * appended, or the stream is further behind.
   */
  private fromTail(id: string, watermark: number, known: number): { entries: HistoryEntry[]; watermark: number } | null {
    const tail = this.tails.get(id);
    if (!tail || this.nowMs() >= tail.expiresAt) return null;
    const end = tail.first + tail.items.length;
    if (watermark < tail.first || known !== end || watermark > end) return null;
    return { entries: tail.items.slice(watermark - tail.first).map((item, i) => ({ seq: watermark + i, item })), watermark: end };
  }

  /** When the customer last sent an activity, among the latest few (ms; 0 for none). */
  async lastFromUser(id: string): Promise<number> {
    const recent = await this.since(id, Math.max(0, (await this.count(id)) - 20));
    const mine = recent.activities.filter((a) => a.from?.role === 'user').at(-1);
    return mine?.timestamp ? Date.parse(mine.timestamp) : 0;
  }

  /** How many activities the conversation has: the watermark of the next one. */
  async count(id: string): Promise<number> {
    return (await this.store.histories.since(historyKey(id), END, this.nowMs(), 1)).watermark;
  }

  /** Stops the purge timer. */
  close(): void {
    clearInterval(this.purging);
  }

  private nowMs(): number {
    return this.now().getTime();
  }
}

/** The history's key in the store (other channels keep histories too). */
const historyKey = (id: string) => `directline:${id}`;

/** An activity's id: the conversation and its position, so any instance gives the same one. */
function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}
