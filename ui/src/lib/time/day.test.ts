import { describe, expect, it } from "vitest";
import { clockMinute, dayEnd, dayStart, localDay, minuteLabel, minuteOfDay, minuteTime, shiftDay } from "./day";

describe("days on the local clock", () => {
  it("names the local day of a moment", () => {
    expect(localDay(new Date(2026, 2, 14, 23, 59))).toBe("2026-03-14");
    expect(localDay(new Date(2026, 2, 15, 0, 0))).toBe("2026-03-15");
  });

  it("finds a day's bounds and minutes", () => {
    expect(dayStart("2026-03-14")).toBe(new Date(2026, 2, 14).getTime());
    expect(dayEnd("2026-03-14")).toBe(new Date(2026, 2, 15).getTime());
    expect(minuteTime("2026-03-14", 12 * 60 + 30)).toBe(new Date(2026, 2, 14, 12, 30).getTime());
    expect(minuteOfDay(new Date(2026, 2, 14, 12, 30, 59).getTime())).toBe(750);
    expect(minuteLabel(750)).toBe("12:30");
    expect(minuteLabel(1439)).toBe("23:59");
    expect(clockMinute(new Date(2026, 2, 14, 9, 5).getTime())).toBe("09:05");
  });

  it("steps across months and years", () => {
    expect(shiftDay("2026-03-01", -1)).toBe("2026-02-28");
    expect(shiftDay("2026-12-31", 1)).toBe("2027-01-01");
  });
});
