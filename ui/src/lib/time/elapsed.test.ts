import { describe, expect, it } from "vitest";
import { formatElapsed } from "./elapsed";

describe("formatElapsed", () => {
  it.each([
    [0, "0:00"],
    [5, "0:05"],
    [59, "0:59"],
    [60, "1:00"],
    [725, "12:05"],
    [3599, "59:59"],
    [3600, "1:00:00"],
    [3725, "1:02:05"],
    [36000, "10:00:00"],
  ])("%d s reads %s", (seconds, expected) => {
    expect(formatElapsed(seconds)).toBe(expected);
  });

  it("drops fractions of a second rather than rounding up", () => {
    expect(formatElapsed(59.9)).toBe("0:59");
  });

  it("shows 0:00 for negative or invalid durations", () => {
    expect(formatElapsed(-3)).toBe("0:00");
    expect(formatElapsed(Number.NaN)).toBe("0:00");
  });
});
