/**
 * Intl formatters, built once per locale and options: building one costs far
 * more than formatting with it (several were built per turn), and they never
 * change. Locales, zones and currencies come from content and settings, so
 * there are few; the cache is bounded all the same.
 */
const MAX = 200;
const dates = new Map<string, Intl.DateTimeFormat>();
const numbers = new Map<string, Intl.NumberFormat>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let made = cache.get(key);
  if (made === undefined) {
    if (cache.size >= MAX) cache.clear();
    cache.set(key, (made = make()));
  }
  return made;
}

/** `new Intl.DateTimeFormat(locale, options)`, shared. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached(dates, `${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

/** `new Intl.NumberFormat(locale, options)`, shared. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cached(numbers, `${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}
