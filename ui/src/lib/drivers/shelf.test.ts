import { describe, expect, it } from "vitest";
import { DAY } from "../orders/fixtures";
import { newlyReady, shelfTone } from "./shelf";

describe("newlyReady", () => {
  const shelf = (...ids: string[]) => ids.map((order) => ({ day: DAY, order, client: "Ana", since: "" }));

  it("announces nothing on the first look", () => {
    expect(newlyReady(null, shelf("1", "2"))).toEqual([]);
  });

  it("announces the orders that were not ready before", () => {
    expect(newlyReady(new Set([`${DAY}#1`]), shelf("1", "2", "3"))).toEqual(["2", "3"]);
    expect(newlyReady(new Set([`${DAY}#1`, `${DAY}#2`]), shelf("2"))).toEqual([]);
  });
});

describe("shelfTone", () => {
  it("turns amber after five minutes on the shelf and red after ten", () => {
    expect(shelfTone(4 * 60_000)).toBe("fresh");
    expect(shelfTone(5 * 60_000)).toBe("warn");
    expect(shelfTone(10 * 60_000)).toBe("late");
  });
});
