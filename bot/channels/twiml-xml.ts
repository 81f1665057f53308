/**
 * A TwiML document written by hand: the few verbs Frontline answers with (the
 * voice channel's, and SMS's `<Message>`), in the exact form Twilio's
 * `VoiceResponse` and `MessagingResponse` (xmlbuilder) write them, for a
 * tenth of their cost on every turn. Text and attribute values are
 * escaped as xmlbuilder escapes them; characters XML 1.0 does not allow at
 * all (control characters, lone surrogates) are dropped, where xmlbuilder
 * threw and the caller heard (or the texter read) nothing.
 */

/** An attribute's value: a list is written space-separated; `undefined` leaves the attribute out. */
export type XmlValue = string | number | boolean | readonly string[] | undefined;
export type XmlAttributes = Readonly<Record<string, XmlValue>>;

const illegal = /[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const textSpecial = /[&<>\r]/g;
const attSpecial = /[&<"\t\n\r]/g;
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };
const entity = (c: string) => entities[c]!;

/** Text content, escaped. */
export function xmlText(value: string): string {
  return value.replace(illegal, '').replace(textSpecial, entity);
}

/** An attribute value, escaped (quotes, and the whitespace an attribute would otherwise lose). */
function attValue(value: Exclude<XmlValue, undefined>): string {
  const s = Array.isArray(value) ? value.join(' ') : String(value);
  return s.replace(illegal, '').replace(attSpecial, entity);
}

/** `<name a="…">children</name>`, or `<name a="…"/>` with none. `children` are already written XML. */
export function element(name: string, attributes: XmlAttributes = {}, ...children: string[]): string {
  let open = `<${name}`;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) open += ` ${key}="${attValue(value)}"`;
  }
  const inner = children.join('');
  return inner ? `${open}>${inner}</${name}>` : `${open}/>`;
}

/** A whole TwiML answer: the XML declaration and `<Response>` around the verbs. */
export function twimlDocument(...verbs: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${element('Response', {}, ...verbs)}`;
}
