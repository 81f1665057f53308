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
