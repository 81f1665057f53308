/**
 * Redaction of what must never be stored or shown: payment card numbers and
 * social security numbers a customer types despite being asked not to.
 * Applied to every customer message before it reaches the transcript.
 */
const card = /\b(?:\d[ -]?){12,18}\d\b/g;
const ssn = /\b\d{3}-\d{2}-\d{4}\b/g;

export const REDACTED_CARD = '[card number removed]';
export const REDACTED_SSN = '[SSN removed]';
/** Stands in for a verification answer (ZIP code or date of birth). */
export const REDACTED_VERIFICATION = '[verification answer]';

export function redact(text: string): string {
  return text.replace(card, REDACTED_CARD).replace(ssn, REDACTED_SSN);
}
