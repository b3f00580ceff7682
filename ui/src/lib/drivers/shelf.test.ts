import { describe, expect, it } from "vitest";
import { at, DAY, row } from "../orders/fixtures";
import { groupOrders } from "../orders/orders";
import { driverLists, newlyReady, shelfTone } from "./shelf";

describe("driverLists", () => {
  const orders = groupOrders([
    row("1", "ready", at(12, 10)),
    row("2", "ready", at(12, 2)),
    row("3", "ready", at(12, 5)),
    row("3", "picked up", at(12, 20)),
    row("4", "ready", at(12, 1)),
    row("4", "picked up", at(12, 8)),
    row("4", "delivered", at(12, 30)),
    row("5", "in the oven", at(12, 0)),
    // Undone pickup: "ready" tapped again after "picked up".
    row("6", "picked up", at(12, 3)),
    row("6", "ready", at(12, 4)),
  ]);

  it("lists ready orders by time on the shelf, longest wait first", () => {
    expect(driverLists(orders).ready.map((o) => o.order)).toEqual(["2", "6", "1"]);
  });

  it("lists picked-up orders not yet delivered", () => {
    const { onTheRoad } = driverLists(orders);
    expect(onTheRoad.map((o) => o.order)).toEqual(["3"]);
    expect(Date.parse(onTheRoad[0].since)).toBe(Date.parse(at(12, 20)));
  });
});

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
