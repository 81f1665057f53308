import { readChoices, spellCodes, spokenLines, spokenReply } from '../../bot/channels/voice/spoken';
import { spokenDigits } from '../../bot/channels/voice/spoken-digits';

/** The demo content's wording (rules/assistant.yaml choice_spoken, list_or). */
const wording = { choice: 'say {label} or press {number}', or: 'or' };

describe('what a caller hears', () => {
  it('reads ZIP codes and order numbers one character at a time, not amounts or years', () => {
    expect(spellCodes('Brightwave Mission, 2480 Mission Street, San Francisco 94110.')).toBe('Brightwave Mission, 2480 Mission Street, San Francisco 9 4 1 1 0.');
    expect(spellCodes('order BW-482913 and ticket TCK-7001')).toBe('order B W 4 8 2 9 1 3 and ticket T C K 7 0 0 1');
    expect(spellCodes('It costs 12345 dollars, $10000.50, in 2026')).toBe('It costs 12345 dollars, $10000.50, in 2026');
  });

  it('drops links (and the "at" that led to them), markup and emoji, and reads choices out as a sentence of their own', () => {
    expect(spokenReply({ text: 'See **this** at https://x.example 😀', choices: [{ value: 'a', label: 'Billing' }, { value: 'b', label: 'Sales (new)' }] }, wording)).toBe(
      'See this. Say Billing or press 1, or say Sales or press 2.',
    );
    expect(readChoices([{ value: 'y', label: 'Yes' }], wording)).toBe('Say Yes or press 1.');
  });

  it('says hours and units in words', () => {
    expect(spokenReply({ text: 'Open Mon–Fri 8am to 9pm, Sat–Sun 9:30am to 6pm (Pacific time). On Mobile 15 GB you have 2.5GB left.' }, wording)).toBe(
      'Open Monday to Friday 8 AM to 9 PM, Saturday to Sunday 9:30 AM to 6 PM (Pacific time). On Mobile 15 gigabytes you have 2.5 gigabytes left.',
    );
  });

  it('puts the text-message notice right after the reply with the link, and apologises once', () => {
    const lines = spokenLines(
      [{ text: 'Sorry, I did not hear anything.' }, { text: 'Here is your link.', link: { url: 'https://x', label: 'Pay' } }, { text: 'Anything else?' }],
      wording,
      'I sent you a text.',
    );
    expect(lines).toEqual(['Sorry, I did not hear anything.', 'Here is your link.', 'I sent you a text.', 'Anything else?']);
    expect(spokenLines([{ text: "Sorry, I didn't hear anything." }, { text: "Sorry, I didn't catch that. What's the street?" }], wording)).toEqual([
      "Sorry, I didn't hear anything.",
      "What's the street?",
    ]);
  });
});

describe('digits said aloud', () => {
  it('become digits in runs of three or more, with "oh", "double" and "triple"', () => {
    expect(spokenDigits('my zip is nine four one one zero')).toBe('my zip is 94110');
    expect(spokenDigits('five five five, oh one oh oh, double oh three')).toBe('5550100003');
    expect(spokenDigits('B W five five triple oh two')).toBe('B W 550002');
    expect(spokenDigits('two')).toBe('2');
  });

  it('leave ordinary words and numerals alone', () => {
    for (const said of ['I have two phones', 'one or two', 'someone said nine', '12 Main Street', 'oh no', '9 4 1 1 0']) expect(spokenDigits(said)).toBe(said);
  });
});
