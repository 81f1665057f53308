/**
 * A conversation's channel: an open name each channel folder declares
 * (`chat`, `voice`, `sms` …), registered in `bot/compose.ts`. Rules may name
 * it in `when: { channel: … }`; the content check knows the registered names.
 */
export type Channel = string;

/** What a channel name looks like: lower case, digits, `-` and `_`. */
export const channelNamePattern = /^[a-z][a-z0-9_-]*$/;
