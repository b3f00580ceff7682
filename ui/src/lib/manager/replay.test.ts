import { describe, expect, it } from "vitest";
import { at, DAY, RULE } from "../orders/fixtures";
import { replayCutoff } from "./replay";

describe("the replay's minute", () => {
  it("ends minute T one millisecond before the next minute", () => {
    expect(replayCutoff(DAY, 12 * 60, RULE) + 1).toBe(Date.parse(at(12, 1)));
  });

  it("reads the slider's minutes on the store's clock", () => {
    // 12:00 in New York (summer time since 8 March) is 16:00 UTC.
    expect(replayCutoff(DAY, 12 * 60, RULE)).toBe(Date.parse("2026-03-14T16:00:59.999Z"));
    expect(replayCutoff(DAY, 12 * 60, { zone: "Asia/Tokyo", startHour: 0 })).toBe(
      Date.parse("2026-03-14T03:00:59.999Z"),
    );
  });

  it("counts the slider's minutes from the business day's start hour, past midnight", () => {
    const fromFour = { zone: "America/New_York", startHour: 4 };
    // Minute 0 is 04:00; minute 20 h 10 min is 00:10 the next morning (04:10 UTC).
    expect(replayCutoff(DAY, 0, fromFour)).toBe(Date.parse("2026-03-14T08:00:59.999Z"));
    expect(replayCutoff(DAY, 20 * 60 + 10, fromFour)).toBe(Date.parse("2026-03-15T04:10:59.999Z"));
  });
});
