import { redact } from '../../bot/engine/redact';

describe('redaction', () => {
  it('removes card numbers however they are spaced', () => {
    expect(redact('my card is 4111 1111 1111 1111 exp 12/28')).toBe('my card is [card number removed] exp 12/28');
    expect(redact('4111-1111-1111-1111')).toBe('[card number removed]');
  });
  it('removes social security numbers', () => {
    expect(redact('ssn 123-45-6789')).toBe('ssn [SSN removed]');
  });
  it('keeps order numbers, ZIP codes and amounts', () => {
    expect(redact('order BW-482913 to 94110 for $45.20')).toBe('order BW-482913 to 94110 for $45.20');
  });
});

describe('redaction of what speech recognition and typing produce', () => {
  it.each(['4111.1111.1111.1111', '4111  1111  1111  1111', '4111111111111111', '4111 1111 1111 1111 111'])('card %s', (text) => {
    expect(redact(`it is ${text} thanks`)).toBe('it is [card number removed] thanks');
  });
  it.each(['123 45 6789', '123.45.6789', 'my ssn is 123456789', 'social security number 123456789'])('SSN in "%s"', (text) => {
    expect(redact(text)).toContain('[SSN removed]');
    expect(redact(text)).not.toMatch(/6789/);
  });
  it('keeps a phone number and a plain nine-digit number that is not called an SSN', () => {
    expect(redact('call me on 555 010 0001, ref 123456789')).toBe('call me on 555 010 0001, ref 123456789');
  });
});
