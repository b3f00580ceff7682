export { LANGUAGE_NAMES, LANGUAGES, LOCALES, type Language } from "./languages";
export {
  formatDay,
  formatNumber,
  language,
  locale,
  setLanguage,
  systemLanguage,
  t,
  tCount,
  type Params,
} from "./language.svelte";
export type { MessageKey } from "./catalogue";
export { statusLabel } from "./status";
