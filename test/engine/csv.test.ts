import { labelledFromCsv, parseCsv } from '../../bot/nlu/csv';

describe('CSV of labelled utterances', () => {
  it('reads quoted fields, doubled quotes and embedded newlines', () => {
    const rows = parseCsv('text,category\n"Hi, ""there""\nsecond line",greeting\nplain,other\r\n');
    expect(rows).toEqual([
      ['text', 'category'],
      ['Hi, "there"\nsecond line', 'greeting'],
      ['plain', 'other'],
    ]);
  });
  it('names the row that has no label', () => {
    expect(() => labelledFromCsv('text,label\nhello,\n', 'x.csv')).toThrow('x.csv: row 2 has no label in the second column');
  });
});
