/**
 * Labelled utterances from CSV: a header row, the text in the first column
 * and the label in the second; quoted fields with doubled quotes and
 * embedded newlines (RFC 4180), as BANKING77 has them.
 */
export interface LabelledText {
  text: string;
  label: string;
}

export function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export function labelledFromCsv(source: string, file = 'CSV'): LabelledText[] {
  const [, ...rows] = parseCsv(source);
  return rows.map((r, i) => {
    if (r.length < 2 || !r[1]) throw new Error(`${file}: row ${i + 2} has no label in the second column`);
    return { text: r[0]!, label: r[1]!.trim() };
  });
}
