import { readChoices, spellCodes, spokenReply } from '../../bot/channels/voice/spoken';

describe('what a caller hears', () => {
  it('reads ZIP codes and order numbers one character at a time, not amounts or years', () => {
    expect(spellCodes('Brightwave Mission, 2480 Mission Street, San Francisco 94110.')).toBe('Brightwave Mission, 2480 Mission Street, San Francisco 9 4 1 1 0.');
    expect(spellCodes('order BW-482913 and ticket TCK-7001')).toBe('order B W 4 8 2 9 1 3 and ticket T C K 7 0 0 1');
    expect(spellCodes('It costs 12345 dollars, $10000.50, in 2026')).toBe('It costs 12345 dollars, $10000.50, in 2026');
  });

  it('drops links, markup and emoji, and reads choices out', () => {
    expect(spokenReply({ text: 'See **this** at https://x.example 😀', choices: [{ value: 'a', label: 'Billing' }, { value: 'b', label: 'Sales (new)' }] })).toBe(
      'See this. Say Billing or press 1, or say Sales or press 2.',
    );
    expect(readChoices([{ value: 'y', label: 'Yes' }])).toBe('Say Yes or press 1.');
  });
});
