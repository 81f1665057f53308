/** The kinds of conversation the engine holds; rules may name them in `when: { channel: … }`. */
export const channelKinds = ['chat', 'voice'] as const;

/** A conversation's kind: typed text and buttons, or a phone call. */
export type Channel = (typeof channelKinds)[number];
