import { afterEach, describe, expect, it } from "vitest";
import { formatDay, formatNumber, language, setLanguage, statusLabel, systemLanguage, t } from "./index";

afterEach(() => setLanguage(null));

describe("the screens' language", () => {
  it("follows the system's first language it knows, else English", () => {
    expect(systemLanguage(["pt-BR", "en-US"])).toBe("pt");
    expect(systemLanguage(["pt_PT"])).toBe("pt");
    expect(systemLanguage(["fr-FR", "en-GB"])).toBe("en");
    expect(systemLanguage(["fr-FR", "de"])).toBe("en");
    expect(systemLanguage([])).toBe("en");
  });

  it("is the one Settings saved, until it is cleared", () => {
    setLanguage("pt");
    expect(language()).toBe("pt");
    expect(t("status.in the oven")).toBe("No forno");
    setLanguage("en");
    expect(t("status.in the oven")).toBe("In the oven");
  });

  it("translates the status names shown, not the contract's", () => {
    setLanguage("pt");
    expect(statusLabel("packing for delivery")).toBe("Embalando para entrega");
    // A status of a newer schema is shown as it came.
    expect(statusLabel("boxed")).toBe("Boxed");
  });

  it("writes numbers and dates as the locale does", () => {
    setLanguage("pt");
    expect(formatNumber(1234.5)).toBe("1.234,5");
    expect(formatDay("2026-03-14")).toBe("sábado, 14 de março de 2026");
    expect(formatDay("2026-03-14", "short")).toBe("14/03/2026");
    setLanguage("en");
    expect(formatNumber(1234.5)).toBe("1,234.5");
    expect(formatDay("2026-03-14")).toBe("Saturday, 14 March 2026");
  });
});
