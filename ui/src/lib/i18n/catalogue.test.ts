import { describe, expect, it } from "vitest";
import { en, pt } from "./catalogue";

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the message catalogue", () => {
  it("has every key in both languages, none empty", () => {
    const missing = (from: object, to: object) => Object.keys(from).filter((key) => !(key in to));
    expect(missing(en, pt), "keys missing in Portuguese").toEqual([]);
    expect(missing(pt, en), "keys missing in English").toEqual([]);
    for (const [key, message] of [...Object.entries(en), ...Object.entries(pt)]) {
      expect(message.trim(), key).not.toBe("");
    }
  });

  it("fills the same placeholders in both languages", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(pt[key]), key).toEqual(placeholders(en[key]));
    }
  });
});

/** Every .svelte file of the UI, as written. */
const sources = import.meta.glob<string>("../../**/*.svelte", { query: "?raw", import: "default", eager: true });

/**
 * The text a component's markup shows as written, outside `{…}`: text between
 * tags, and the attributes a person reads (title, placeholder, aria-label, alt).
 */
export function literalText(source: string): string[] {
  const markup = source
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  // Expressions, innermost first, until none is left.
  let text = markup;
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(/\{[^{}]*\}/g, "");
  }
  const found: string[] = [];
  for (const match of text.matchAll(/>([^<>]*)</g)) {
    if (/\p{L}/u.test(match[1])) found.push(match[1].trim());
  }
  for (const match of text.matchAll(/\b(?:title|placeholder|aria-label|alt|label)="([^"]*)"/g)) {
    if (/\p{L}/u.test(match[1])) found.push(match[1]);
  }
  return found;
}

describe("the screens", () => {
  it("write no text of their own: every string comes from the catalogue", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    const literals = Object.entries(sources).flatMap(([file, source]) =>
      literalText(source).map((text) => `${file.replace("../../", "")}: ${text}`),
    );
    expect(literals).toEqual([]);
  });

  it("are checked by a scan that finds text as written", () => {
    expect(literalText(`<p>Ready {count}</p><button title="Copy">{t("x")}</button>`)).toEqual(["Ready", "Copy"]);
    expect(literalText(`<p>{t("x", { n: 1 })}</p><img alt={t("y")} />`)).toEqual([]);
  });
});
