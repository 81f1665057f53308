/**
 * What a channel tells about its customers' live connections (Web Chat's
 * stream), for channels whose customers can go without a word: a closed tab
 * sends nothing, nor does an instance killed with kill -9. The channel only
 * reports; what counts as gone (a stream's lease, which stream is the newest,
 * how long a waiting customer may be away) is the desk's rule
 * (bot/desk/away.ts). Ids are the channel's own, without its prefix.
 */

/** A channel's reports of a conversation's stream (by the stream's id) and of its polls. */
export interface StreamReports {
  /** A stream opened on this instance: the newest stream of the conversation. */
  opened(id: string, stream: string): Promise<void>;
  /** The stream is still open (reported every `renewMs` by the instance holding it). */
  renewed(id: string, stream: string): Promise<void>;
  /** The stream closed (not because a newer stream of the conversation opened). */
  closed(id: string, stream: string): Promise<void>;
  /** The client asked for what is new without a stream (a polling client). */
  polled(id: string): Promise<void>;
}

/** One watched channel: its reports, and the sweep that acts on them (every instance runs it from `start` to `stop`). */
export interface WatchedChannel extends StreamReports {
  /** How often the channel reports each open stream as renewed (a third of WEBCHAT_STREAM_LEASE_SECONDS). */
  readonly renewMs: number;
  /** Records as left every waiting customer gone for the time; resolves to how many. */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** Where a channel asks to be watched (`ChannelHost.away`). */
export interface CustomerStreams {
  /**
   * Watches `channel` (conversation ids `<channel>:<id>`); `lastWritten` says when a customer last wrote
   * (ms, 0 for never), read from the channel's history: a message counts as being there.
   */
  watch(channel: string, lastWritten: (id: string) => Promise<number>): WatchedChannel;
}

const nothing = async (): Promise<void> => undefined;

/** Watches nothing: a channel run on its own (tests of the channel alone); nobody is ever found gone. */
export const unwatched: CustomerStreams = {
  watch: () => ({ renewMs: 15_000, opened: nothing, renewed: nothing, closed: nothing, polled: nothing, sweep: async () => 0, start: () => undefined, stop: nothing }),
};
