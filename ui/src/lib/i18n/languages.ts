import type { Language } from "../backend/bindings/Language";

export type { Language };

/** The languages, in the order Settings offers them. */
export const LANGUAGES: readonly Language[] = ["en", "pt"];

/** Each language's name, written in that language. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", pt: "Português" };

/**
 * The locale each language writes times, dates and numbers in: British
 * English (a 24-hour clock, the day before the month) and Brazilian Portuguese.
 */
export const LOCALES: Record<Language, string> = { en: "en-GB", pt: "pt-BR" };
