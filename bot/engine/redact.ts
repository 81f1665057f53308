/**
 * Redaction of what must never be stored or shown: payment card numbers,
 * social security numbers and PINs a customer types despite being asked not to.
 * Applied to every customer message before it reaches the transcript.
 */
/** 13–19 digits with any spaces, dots or dashes between them (typed, or as speech recognition writes them). */
const card = /\b\d(?:[ .\-]*\d){12,18}\b/g;
/** 123-45-6789, 123 45 6789, 123.45.6789; nine plain digits only when called an SSN or social security number. */
const ssn = /\b\d{3}[ .\-]+\d{2}[ .\-]+\d{4}\b|\b\d{3}-\d{2}-\d{4}\b/g;
const namedSsn = /\b(ssn|social security( number)?|social)(\s*(number|no\.?|#)?\s*(is|:)?\s*)\d{9}\b/gi;

/** A PIN or passcode given as one ("my pin is 4821", "passcode: 908172"). */
const namedPin = /\b(pin|passcode|pass code|security code)(\s*(number|code)?\s*(is|:|=)?\s*)\d{4,8}\b/gi;

export const REDACTED_PIN = '[PIN removed]';
export const REDACTED_CARD = '[card number removed]';
export const REDACTED_SSN = '[SSN removed]';
/** Stands in for a verification answer (ZIP code or date of birth). */
export const REDACTED_VERIFICATION = '[verification answer]';

export function redact(text: string): string {
  return text
    .replace(card, REDACTED_CARD)
    .replace(ssn, REDACTED_SSN)
    .replace(namedSsn, (_m, name: string, between: string) => `${name}${between}${REDACTED_SSN}`)
    .replace(namedPin, (_m, name: string, between: string) => `${name}${between}${REDACTED_PIN}`);
}
