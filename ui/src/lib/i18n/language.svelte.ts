/**
 * The UI's languages: every string a screen shows comes from the message
 * catalogue (`catalogue/`), in English or Portuguese. Settings picks the
 * language; by default it follows the system's. Times, dates and numbers are
 * written as the language's locale writes them.
 */
import { catalogues, type MessageKey } from "./catalogue";
import { LANGUAGES, LOCALES, type Language } from "./languages";

/** The system's language, when it is one of ours; else English. */
export function systemLanguage(languages: readonly string[] = systemLanguages()): Language {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if ((LANGUAGES as readonly string[]).includes(primary)) return primary as Language;
  }
  return "en";
}

function systemLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

let chosen = $state<Language | null>(null);
const current = $derived<Language>(chosen ?? systemLanguage());

/** Sets the language Settings saved; `null` follows the system. */
export function setLanguage(language: Language | null): void {
  chosen = language;
  if (typeof document !== "undefined") document.documentElement.lang = LOCALES[current];
}

/** The language the screens are in now. */
export function language(): Language {
  return current;
}

/** The locale of the language the screens are in now (`pt-BR`, `en-GB`). */
export function locale(): string {
  return LOCALES[current];
}

export type Params = Record<string, string | number>;

/**
 * The message `key` in the current language, with each `{name}` replaced by
 * `params.name` (numbers written as the locale writes them).
 */
export function t(key: MessageKey, params: Params = {}): string {
  return fill(catalogues[current][key], params);
}

/**
 * A message that depends on a count: `keys.one` for exactly one, else
 * `keys.other` (English and Portuguese have these two forms); `{count}` is the count.
 */
export function tCount(count: number, keys: { one: MessageKey; other: MessageKey }, params: Params = {}): string {
  const rule = new Intl.PluralRules(locale()).select(count);
  return t(rule === "one" ? keys.one : keys.other, { count, ...params });
}

function fill(message: string, params: Params): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(value) : value;
  });
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A number as the locale writes it: `1,234.5` in English, `1.234,5` in Portuguese. */
export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  const key = `${locale()}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale(), options);
    numberFormats.set(key, format);
  }
  return format.format(value);
}

/**
 * A business day (`YYYY-MM-DD`) as the locale writes a date: "Saturday, 14
 * March 2026", "sábado, 14 de março de 2026"; `style: "short"`: "14/03/2026".
 */
export function formatDay(day: string, style: "long" | "short" = "long"): string {
  const [year, month, date] = day.split("-").map(Number);
  const options: Intl.DateTimeFormatOptions =
    style === "long"
      ? { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }
      : { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(locale(), options).format(new Date(Date.UTC(year, month - 1, date)));
}
