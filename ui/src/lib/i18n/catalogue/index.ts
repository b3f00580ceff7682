/**
 * The message catalogue: every string the screens show, in English and in
 * Portuguese, one module per part of the app, merged here into one catalogue
 * per language. A key missing from a language fails the type check (each
 * module's `pt` must have exactly its `en` keys) and the catalogue's test.
 */
import * as common from "./common";

export const en = {
  ...common.en,
};

export type MessageKey = keyof typeof en;

export const pt: Record<MessageKey, string> = {
  ...common.pt,
};

export const catalogues = { en, pt } as const;
