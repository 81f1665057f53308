import { findDate, findOrderNumber, parseSlot, pickChoice } from '../../bot/engine/slots';

const patterns = { orderNumber: /\bBW[-\s]?\d{6}\b/i, postcode: /\b\d{5}\b/ };
const ctx = { choices: [], patterns, now: new Date('2026-11-24T17:00:00Z') };

describe('slot parsing', () => {
  it('understands yes and no, typed or pressed', () => {
    expect(parseSlot('yesno', { text: 'yeah go ahead' }, ctx)).toEqual({ ok: true, value: true });
    expect(parseSlot('yesno', { text: 'no thanks' }, ctx)).toEqual({ ok: true, value: false });
    expect(parseSlot('yesno', { digits: '2' }, ctx)).toEqual({ ok: true, value: false });
    expect(parseSlot('yesno', { text: 'purple' }, ctx).ok).toBe(false);
  });

  it('finds order numbers however they are written or spoken', () => {
    expect(findOrderNumber('where is bw482913 please', patterns)).toBe('BW-482913');
    expect(findOrderNumber('order b w 4 8 2 9 1 3', patterns)).toBe('BW-482913');
    expect(parseSlot('order_number', { digits: '482913' }, ctx)).toEqual({ ok: true, value: '482913' });
  });

  it('reads dates of birth in words, numbers and keypad digits', () => {
    expect(findDate({ text: 'March 3rd 1985' }, ctx.now)).toBe('1985-03-03');
    expect(findDate({ text: '03/03/1985' }, ctx.now)).toBe('1985-03-03');
    expect(findDate({ digits: '03031985' }, ctx.now)).toBe('1985-03-03');
    expect(findDate({ digits: '13451985' }, ctx.now)).toBeNull();
  });

  it('picks a choice by number, ordinal, label or a distinctive word', () => {
    const choices = [
      { value: 'BW-1', label: 'iPhone 16 (BW-1)' },
      { value: 'BW-2', label: 'Fibre router (BW-2)' },
    ];
    expect(pickChoice({ digits: '2' }, choices)).toBe('BW-2');
    expect(pickChoice({ text: 'the first one' }, choices)).toBe('BW-1');
    expect(pickChoice({ text: 'the router' }, choices)).toBe('BW-2');
    expect(pickChoice({ text: 'banana' }, choices)).toBeNull();
  });

  it('takes a postcode from digits or text', () => {
    expect(parseSlot('postcode', { text: "it's 94110" }, ctx)).toEqual({ ok: true, value: '94110' });
    expect(parseSlot('postcode', { text: 'dunno' }, ctx).ok).toBe(false);
  });
});
