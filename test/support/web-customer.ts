/**
 * A web chat customer as Web Chat talks to the bot: a Direct Line token
 * (signed in as a demo customer, or anonymous), a conversation, messages
 * posted and the bot's answers read back by watermark.
 */
import { SECRET, type RunningApp } from './server';

type ActivitySet = { activities: { type: string; text?: string; from: { role?: string; name?: string } }[]; watermark: string };

/** What the customer's Web Chat shows: a message or a typing indicator, and from whom (the bot's or an agent's name). */
export interface Shown {
  type: 'message' | 'typing';
  from: string;
  text?: string;
}

export interface WebCustomer {
  /** The engine's id of this conversation (what the agent's card carries). */
  readonly conversationId: string;
  /** Sends a message and resolves the bot's answers to it. */
  say(text: string): Promise<string[]>;
  /** Sends a message and gives the POST's answer as it came, read no further (for one the bot refuses). */
  post(text: string): Promise<Response>;
  /** Every bot message so far. */
  readonly texts: string[];
  /** What arrived since the last read without the customer writing (an agent's messages, typing). */
  read(): Promise<Shown[]>;
  /** Closes the chat (Web Chat sends endOfConversation). */
  leave(): Promise<void>;
  /** Sends a typing activity, as Web Chat does while the customer types. */
  typing(): Promise<void>;
  /** The whole conversation as its history holds it (from the start): every activity's type and sender's role and name. */
  history(): Promise<{ type: string; role: string; from: string; text?: string }[]>;
}

/** Opens a web chat; `user` is the customer id the web site signed in, none for a visitor. */
export async function webCustomer(app: Pick<RunningApp, 'url'>, user?: string): Promise<WebCustomer> {
  const dl = (path: string) => `${app.url}/v3/directline${path}`;
  const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const gen = await fetch(dl('/tokens/generate'), { method: 'POST', headers: headers(SECRET), body: JSON.stringify(user ? { user: { id: user } } : {}) });
  const { token, conversationId } = (await gen.json()) as { token: string; conversationId: string };
  const started = await fetch(dl('/conversations'), { method: 'POST', headers: headers(token) });
  if (started.status !== 201) throw new Error(`conversation did not start: ${started.status}`);
  const texts: string[] = [];
  let watermark = '0';
  const shown = async (): Promise<Shown[]> => {
    const res = await fetch(dl(`/conversations/${conversationId}/activities?watermark=${watermark}`), { headers: headers(token) });
    const set = (await res.json()) as ActivitySet;
    watermark = set.watermark;
    const out = set.activities.flatMap((a): Shown[] =>
      a.from.role !== 'bot' || (a.type !== 'message' && a.type !== 'typing')
        ? []
        : [{ type: a.type, from: a.from.name ?? '', ...(a.type === 'message' ? { text: a.text ?? '' } : {}) }],
    );
    texts.push(...out.flatMap((a) => (a.type === 'message' ? [a.text ?? ''] : [])));
    return out;
  };
  const read = async () => (await shown()).flatMap((a) => (a.type === 'message' ? [a.text ?? ''] : []));
  const post = (text: string) =>
    fetch(dl(`/conversations/${conversationId}/activities`), { method: 'POST', headers: headers(token), body: JSON.stringify({ type: 'message', text, from: { id: user ?? 'visitor' } }) });
  await read();
  return {
    conversationId: `directline:${conversationId}`,
    texts,
    async say(text: string) {
      const res = await post(text);
      if (res.status !== 200) throw new Error(`message refused: ${res.status}`);
      return read();
    },
    post,
    read: shown,
    async typing() {
      const res = await fetch(dl(`/conversations/${conversationId}/activities`), {
        method: 'POST',
        headers: headers(token),
        body: JSON.stringify({ type: 'typing', from: { id: user ?? 'visitor' } }),
      });
      if (res.status !== 200) throw new Error(`typing refused: ${res.status}`);
    },
    async history() {
      const res = await fetch(dl(`/conversations/${conversationId}/activities?watermark=0`), { headers: headers(token) });
      const set = (await res.json()) as ActivitySet;
      return set.activities.map((a) => ({ type: a.type, role: a.from.role ?? '', from: a.from.name ?? '', ...(a.text !== undefined ? { text: a.text } : {}) }));
    },
    async leave() {
      const res = await fetch(dl(`/conversations/${conversationId}/activities`), {
        method: 'POST',
        headers: headers(token),
        body: JSON.stringify({ type: 'endOfConversation', from: { id: user ?? 'visitor' } }),
      });
      if (res.status !== 200) throw new Error(`endOfConversation refused: ${res.status}`);
    },
  };
}
