/**
 * The message catalogue: every string the screens show, in English and in
 * Portuguese, one module per part of the app, merged here into one catalogue
 * per language. A key missing from a language fails the type check (each
 * module's `pt` must have exactly its `en` keys) and the catalogue's test.
 */
import * as common from "./common";
import * as drivers from "./drivers";
import * as kitchen from "./kitchen";
import * as manager from "./manager";
import * as settings from "./settings";
import * as shell from "./shell";

export const en = {
  ...common.en,
  ...kitchen.en,
  ...drivers.en,
  ...shell.en,
  ...manager.en,
  ...settings.en,
};

export type MessageKey = keyof typeof en;

export const pt: Record<MessageKey, string> = {
  ...common.pt,
  ...kitchen.pt,
  ...drivers.pt,
  ...shell.pt,
  ...manager.pt,
  ...settings.pt,
};

export const catalogues = { en, pt } as const;
