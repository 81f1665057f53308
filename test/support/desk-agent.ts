/** An agent at the desk over HTTP, as the page talks to it: cookies kept, the CSRF token sent on changes. */

export interface DeskAgentClient {
  /** The session cookie ("name=value"), once signed in. */
  cookie: string;
  csrf: string;
  signIn(agentId: string, password: string): Promise<Response>;
  get(path: string): Promise<Response>;
  /** A change with the session's CSRF token (or `csrf` given, or none with null). */
  post(path: string, body?: unknown, csrf?: string | null): Promise<Response>;
}

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]!);
}

/** `headers` go with every request (an `X-Forwarded-For` to come from another address behind TRUST_PROXY). */
export function deskAgent(baseUrl: string, headers: Record<string, string> = {}): DeskAgentClient {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of cookiesOf(res)) {
      const [name, value] = [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)];
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    return res;
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const client: DeskAgentClient = {
    cookie: '',
    csrf: '',
    async signIn(agentId, password) {
      const pre = keep(await fetch(`${baseUrl}/api/desk/sign-in`, { headers: { ...headers, cookie: cookieHeader() } }));
      const { csrf } = (await pre.json()) as { csrf: string };
      const res = keep(
        await fetch(`${baseUrl}/api/desk/sign-in`, {
          method: 'POST',
          headers: { ...headers, cookie: cookieHeader(), 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: JSON.stringify({ agentId, password }),
        }),
      );
      if (res.status === 200) {
        const me = (await res.clone().json()) as { csrf: string };
        client.csrf = me.csrf;
        client.cookie = `frontline_desk=${jar.get('frontline_desk') ?? ''}`;
      }
      return res;
    },
    get: async (path) => keep(await fetch(`${baseUrl}${path}`, { headers: { ...headers, cookie: cookieHeader() } })),
    async post(path, body = {}, csrf) {
      const token = csrf === undefined ? client.csrf : csrf;
      return keep(
        await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { ...headers, cookie: cookieHeader(), 'content-type': 'application/json', ...(token === null ? {} : { 'x-csrf-token': token }) },
          body: JSON.stringify(body),
        }),
      );
    },
  };
  return client;
}

/** A demo agent of a running app (`npm start`'s made-up passwords), signed in. */
export async function signedInDemoAgent(app: { url: string; app: { agents: { demoPasswords: { id: string; password: string }[] } | null } }, id: string): Promise<DeskAgentClient> {
  const agent = deskAgent(app.url);
  const password = app.app.agents!.demoPasswords.find((a) => a.id === id)!.password;
  const res = await agent.signIn(id, password);
  if (res.status !== 200) throw new Error(`${id} could not sign in: HTTP ${res.status}`);
  return agent;
}

/** What an agent's desk page reads: its event stream, read until a pattern shows. */
export interface DeskEventStream {
  contentType: string | null;
  /** Resolves the text so far once `pattern` shows in it; rejects if the stream ends first. */
  until(pattern: RegExp): Promise<string>;
  text(): string;
  stop(): void;
}

export async function deskEvents(baseUrl: string, agent: DeskAgentClient): Promise<DeskEventStream> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/desk/events`, { headers: { cookie: agent.cookie }, signal: controller.signal });
  const reader = res.body!.getReader();
  let text = '';
  return {
    contentType: res.headers.get('content-type'),
    async until(pattern) {
      while (!pattern.test(text)) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended before ${pattern}: ${text}`);
        text += new TextDecoder().decode(value);
      }
      return text;
    },
    text: () => text,
    stop: () => controller.abort(),
  };
}
