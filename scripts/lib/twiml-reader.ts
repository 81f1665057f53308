/**
 * Reads TwiML answers the way a phone would act on them: what is said, what
 * is gathered, where the call is put through. Used by `npm run call` and the
 * voice tests.
 */
export interface TwimlAnswer {
  status: number;
  xml: string;
  /** Every <Say> text, unescaped. */
  says: string[];
  heard: string;
  gather: Record<string, string> | null;
  enqueue: { attrs: Record<string, string>; queue: string; task: { attrs: Record<string, string>; json: Record<string, unknown> } | null } | null;
  dial: string | null;
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const attrs = (s: string) => Object.fromEntries([...s.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, unescape(m[2]!)]));

export function parseTwiml(status: number, xml: string): TwimlAnswer {
  const says = [...xml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => unescape(m[1]!));
  const g = /<Gather([^>]*)>/.exec(xml);
  const e = /<Enqueue([^>]*)>([\s\S]*?)<\/Enqueue>/.exec(xml);
  const t = e ? /<Task([^>]*)>([^<]*)<\/Task>/.exec(e[2]!) : null;
  const d = /<Dial[^>]*>([^<]*)<\/Dial>/.exec(xml);
  return {
    status,
    xml,
    says,
    heard: says.join(' '),
    gather: g ? attrs(g[1]!) : null,
    enqueue: e
      ? {
          attrs: attrs(e[1]!),
          queue: t ? '' : unescape(e[2]!.trim()),
          task: t ? { attrs: attrs(t[1]!), json: JSON.parse(unescape(t[2]!)) as Record<string, unknown> } : null,
        }
      : null,
    dial: d ? unescape(d[1]!) : null,
  };
}

