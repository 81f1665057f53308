/**
 * A web chat customer as Web Chat reads its conversation: a Direct Line
 * token for `user`, a conversation, and its WebSocket stream, every activity
 * pushed on it kept in order (`seen`). For what only the stream shows: the
 * bot's typing, the customer's own echo.
 */
import WebSocket from 'ws';
import { SECRET } from './server';

export type StreamedActivity = { type: string; text?: string; from: { id?: string; role?: string; name?: string } };

export interface StreamCustomer {
  /** The Direct Line conversation id (the engine's is `directline:` + it). */
  readonly conversationId: string;
  /** Every activity the stream pushed, in order. */
  readonly seen: StreamedActivity[];
  /** Posts a message as the customer; the POST's answer. */
  send(text: string): Promise<Response>;
  /** Whether an activity `check` accepts arrives within about 3 s. */
  arrives(check: (a: StreamedActivity) => boolean): Promise<boolean>;
  /** The conversation's history as a GET from the start reads it. */
  history(): Promise<StreamedActivity[]>;
  close(): void;
}

const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

export async function streamCustomer(app: { url: string }, user: string): Promise<StreamCustomer> {
  const dl = (path: string) => `${app.url}/v3/directline${path}`;
  const gen = (await (await fetch(dl('/tokens/generate'), { method: 'POST', headers: headers(SECRET), body: JSON.stringify({ user: { id: user } }) })).json()) as { token: string };
  const c = (await (await fetch(dl('/conversations'), { method: 'POST', headers: headers(gen.token) })).json()) as { conversationId: string; token: string; streamUrl: string };
  const seen: StreamedActivity[] = [];
  const ws = new WebSocket(c.streamUrl);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text) seen.push(...(JSON.parse(text) as { activities: StreamedActivity[] }).activities);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  return {
    conversationId: c.conversationId,
    seen,
    send: (text) => fetch(dl(`/conversations/${c.conversationId}/activities`), { method: 'POST', headers: headers(c.token), body: JSON.stringify({ type: 'message', text }) }),
    async arrives(check) {
      for (let i = 0; i < 150 && !seen.some(check); i++) await new Promise((r) => setTimeout(r, 20));
      return seen.some(check);
    },
    history: async () =>
      ((await (await fetch(dl(`/conversations/${c.conversationId}/activities`), { headers: headers(c.token) })).json()) as { activities: StreamedActivity[] }).activities,
    close: () => ws.close(),
  };
}
