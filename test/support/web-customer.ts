/**
 * A web chat customer as Web Chat talks to the bot: a Direct Line token
 * (signed in as a demo customer, or anonymous), a conversation, messages
 * posted and the bot's answers read back by watermark.
 */
import { SECRET, type RunningApp } from './server';

type ActivitySet = { activities: { type: string; text?: string; from: { role?: string } }[]; watermark: string };

export interface WebCustomer {
  /** The engine's id of this conversation (what the agent's card carries). */
  readonly conversationId: string;
  /** Sends a message and resolves the bot's answers to it. */
  say(text: string): Promise<string[]>;
  /** Every bot message so far. */
  readonly texts: string[];
}

/** Opens a web chat; `user` is the customer id the web site signed in, none for a visitor. */
export async function webCustomer(app: RunningApp, user?: string): Promise<WebCustomer> {
  const dl = (path: string) => `${app.url}/v3/directline${path}`;
  const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const gen = await fetch(dl('/tokens/generate'), { method: 'POST', headers: headers(SECRET), body: JSON.stringify(user ? { user: { id: user } } : {}) });
  const { token, conversationId } = (await gen.json()) as { token: string; conversationId: string };
  const started = await fetch(dl('/conversations'), { method: 'POST', headers: headers(token) });
  if (started.status !== 201) throw new Error(`conversation did not start: ${started.status}`);
  const texts: string[] = [];
  let watermark = '0';
  const read = async () => {
    const res = await fetch(dl(`/conversations/${conversationId}/activities?watermark=${watermark}`), { headers: headers(token) });
    const set = (await res.json()) as ActivitySet;
    watermark = set.watermark;
    const said = set.activities.filter((a) => a.type === 'message' && a.from.role === 'bot').map((a) => a.text ?? '');
    texts.push(...said);
    return said;
  };
  await read();
  return {
    conversationId: `directline:${conversationId}`,
    texts,
    async say(text: string) {
      const res = await fetch(dl(`/conversations/${conversationId}/activities`), {
        method: 'POST',
        headers: headers(token),
        body: JSON.stringify({ type: 'message', text, from: { id: user ?? 'visitor' } }),
      });
      if (res.status !== 200) throw new Error(`message refused: ${res.status}`);
      return read();
    },
  };
}
