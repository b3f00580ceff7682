import { describe, expect, it } from "vitest";
import { BackendError, type RepairReport } from "../backend";
import { daysInWords, reportLines, shownProblem } from "./report";

const REPORT: RepairReport = {
  setAside: "/data/kitchen.damaged-20261126T101500.123Z.sqlite3",
  tapsCarried: 3,
  rowsCarried: 5,
  unreadable: null,
  daysRebuilt: ["2026-11-26", "2026-11-25"],
  mirrorError: null,
};

const texts = (report: RepairReport) => reportLines(report).map((l) => l.text);

describe("reportLines", () => {
  it("says where the file is kept, the taps carried and the days rebuilt", () => {
    expect(texts(REPORT)).toEqual([
      "The damaged file is kept at /data/kitchen.damaged-20261126T101500.123Z.sqlite3.",
      "3 taps not yet published were carried over and will be published.",
      "5 other records (this device's name and settings, deliveries, claims) were carried over.",
      "Rebuilt from the cloud: 2026-11-25 and 2026-11-26.",
    ]);
    expect(reportLines(REPORT).every((l) => l.tone === "ok")).toBe(true);
  });

  it("counts one tap and one record in the singular, and none plainly", () => {
    expect(texts({ ...REPORT, tapsCarried: 1, rowsCarried: 1 })).toContain(
      "1 tap not yet published was carried over and will be published.",
    );
    expect(texts({ ...REPORT, rowsCarried: 1 })[2]).toMatch(/^1 other record .* was carried over\.$/);
    expect(texts({ ...REPORT, tapsCarried: 0 })).toContain("No taps were waiting to be published.");
  });

  it("warns when the settings, part of the file or the mirror could not be had", () => {
    const lines = reportLines({
      ...REPORT,
      rowsCarried: 0,
      unreadable: "outbox: database disk image is malformed",
      daysRebuilt: [],
      mirrorError: "cannot reach the event table: no network",
    });
    const warnings = lines.filter((l) => l.tone === "warn").map((l) => l.text);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/settings could not be carried over/);
    expect(warnings[1]).toBe("Could not be read from the damaged file (it stays in it): outbox: database disk image is malformed");
    expect(warnings[2]).toMatch(/\(cannot reach the event table: no network\); they fill in by themselves once the cloud answers/);
    expect(lines.some((l) => l.text.startsWith("Rebuilt from the cloud"))).toBe(false);
  });

  it("says so when there was nothing to rebuild", () => {
    expect(texts({ ...REPORT, daysRebuilt: [] }).slice(-1)[0]).toBe("No days were rebuilt from the cloud: there were none to copy.");
  });
});

describe("daysInWords", () => {
  it("lists a few days and names a long run by its ends", () => {
    expect(daysInWords([])).toBe("");
    expect(daysInWords(["2026-11-26"])).toBe("2026-11-26");
    expect(daysInWords(["2026-11-26", "2026-11-24", "2026-11-25"])).toBe("2026-11-24, 2026-11-25 and 2026-11-26");
    expect(daysInWords(["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-26"])).toBe(
      "5 days, 2026-11-20 to 2026-11-26",
    );
  });
});

describe("shownProblem", () => {
  it("shows the shell's problem, or the refusal's message when it has none", () => {
    expect(shownProblem({ path: "/data/kitchen.sqlite3", detail: "malformed" }, null)).toEqual({
      path: "/data/kitchen.sqlite3",
      detail: "malformed",
    });
    const refusal = new BackendError({ code: "database_damaged", message: "the device's database is damaged" });
    expect(shownProblem(null, refusal)).toEqual({ path: null, detail: "the device's database is damaged" });
  });
});
