/**
 * Digits a caller says instead of pressing: "nine four one one zero" is
 * 94110, "oh" is zero, "double five" is 55. Only runs of three digits or
 * more are joined ("one or two" and "two phones" stay words), so a ZIP code,
 * phone number, order number or date of birth said aloud reaches the engine
 * as the keypad would have sent it. A lone digit word ("two") answers a
 * "press 2" choice.
 */
const digitOf: Record<string, string> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};
const unit = `(?:${Object.keys(digitOf).join('|')}|\\d+)`;
const group = `(?:(?:double|triple)[\\s-]+)?${unit}`;
const run = new RegExp(`\\b${group}(?:[\\s,-]+${group})+\\b`, 'gi');
const lone = new RegExp(`^\\s*(?:number\\s+)?(${Object.keys(digitOf).join('|')})[.!]?\\s*$`, 'i');

function digitsOf(said: string): string {
  let out = '';
  let times = 1;
  for (const word of said.toLowerCase().split(/[\s,-]+/)) {
    if (word === 'double' || word === 'triple') times = word === 'double' ? 2 : 3;
    else if (word) {
      out += (digitOf[word] ?? word).repeat(times);
      times = 1;
    }
  }
  return out;
}

/** The recogniser's text with spoken digit runs written as digits. */
export function spokenDigits(text: string): string {
  const single = lone.exec(text);
  if (single) return digitOf[single[1]!.toLowerCase()]!;
  return text.replace(run, (said) => {
    // Numerals alone ("2 4 6") are left to the engine, which already reads them.
    if (!/[a-z]/i.test(said)) return said;
    const digits = digitsOf(said);
    return digits.length >= 3 ? digits : said;
  });
}
