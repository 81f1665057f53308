import { Formatter, render, spell } from '../../bot/engine/template';

const fmt = new Formatter('en-US', 'USD', 'America/Los_Angeles', () => new Date('2026-11-24T17:00:00Z'));

describe('rendering text and speech', () => {
  it('writes money with a symbol and says it in words', () => {
    expect(fmt.money(45.2)).toEqual({ text: '$45.20', speak: '45 dollars and 20 cents' });
    expect(fmt.money(1)).toEqual({ text: '$1.00', speak: '1 dollar' });
    expect(fmt.money(0.05).speak).toBe('5 cents');
  });

  it('says dates with ordinals and drops the year when it is this year', () => {
    expect(fmt.date('2026-11-26')).toEqual({ text: 'Thursday, November 26', speak: 'Thursday, November 26th' });
    expect(fmt.date('2027-01-02').text).toBe('Saturday, January 2, 2027');
  });

  it('gives times in the assistant time zone', () => {
    expect(fmt.time('2026-11-25T02:00:00Z')).toEqual({ text: '6:00 PM', speak: '6 PM' });
  });

  it('spells codes out for the phone', () => {
    expect(spell('BW-482913')).toBe('B W 4 8 2 9 1 3');
    const r = render('Order {id|code} costs {amount|money}.', { id: 'BW-482913', amount: 12 }, fmt);
    expect(r.text).toBe('Order BW-482913 costs $12.00.');
    expect(r.speak).toBe('Order B W 4 8 2 9 1 3 costs 12 dollars.');
  });

  it('leaves a missing value empty rather than printing a placeholder', () => {
    expect(render('Hi {first_name}!', {}, fmt).text).toBe('Hi!');
    expect(render('Hi {first_name}, welcome.', {}, fmt).text).toBe('Hi, welcome.');
    expect(render('Hi {first_name}, welcome.', { first_name: 'Ana' }, fmt).speak).toBe('Hi Ana, welcome.');
  });
});
