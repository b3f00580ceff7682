import { describe, expect, it } from "vitest";
import { at, row, ZONE, RULE } from "../orders/fixtures";
import { groupOrders } from "../orders/orders";
import { ordersPerHour, percentile, stageDurations, stageStats } from "./stats";

const MIN = 60_000;

describe("stageDurations", () => {
  it("measures each stage up to the next stage the order reached", () => {
    const durations = stageDurations(
      groupOrders([
        row("1", "order done", at(12, 0)),
        row("1", "preparing", at(12, 2)),
        // "in the oven" was never tapped: preparing runs until "left the oven".
        row("1", "left the oven", at(12, 12)),
        row("1", "ready", at(12, 15)),
        row("1", "picked up", at(12, 20)),
        row("1", "delivered", at(12, 40)),
      ]),
    );
    expect(durations.get("order done")).toEqual([2 * MIN]);
    expect(durations.get("preparing")).toEqual([10 * MIN]);
    expect(durations.get("in the oven")).toEqual([]);
    expect(durations.get("left the oven")).toEqual([3 * MIN]);
    expect(durations.get("ready")).toEqual([5 * MIN]);
    expect(durations.get("picked up")).toEqual([20 * MIN]);
    expect(durations.has("delivered")).toBe(false);
  });

  it("leaves out a span that runs backwards after an undo", () => {
    const durations = stageDurations(
      groupOrders([
        row("1", "order done", at(12, 0)),
        row("1", "preparing", at(12, 10)),
        row("1", "in the oven", at(12, 8)),
      ]),
    );
    expect(durations.get("order done")).toEqual([10 * MIN]);
    expect(durations.get("preparing")).toEqual([]);
  });
});

describe("percentile", () => {
  it("interpolates between ranks", () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3], 0.5)).toBe(2);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBe(91);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe("stageStats", () => {
  it("gives the median and p90 of each stage over the day's orders", () => {
    const rows = [1, 2, 3, 4, 5].flatMap((minutes, i) => [
      row(String(i), "order done", at(12, 0)),
      row(String(i), "preparing", at(12, minutes)),
    ]);
    const stats = stageStats(groupOrders(rows));
    const orderDone = stats.find((s) => s.stage === "order done");
    expect(orderDone).toEqual({ stage: "order done", count: 5, median: 3 * MIN, p90: 4.6 * MIN });
    expect(stats.find((s) => s.stage === "preparing")).toEqual({ stage: "preparing", count: 0, median: null, p90: null });
  });
});

describe("ordersPerHour", () => {
  const orders = groupOrders([
    row("1", "order done", at(12, 5)),
    row("2", "order done", at(12, 55)),
    row("3", "order done", at(19, 0)),
  ]);

  it("counts orders by the hour of the store's clock they were entered", () => {
    const counts = ordersPerHour(orders, RULE);
    expect(counts[12]).toBe(2);
    expect(counts[19]).toBe(1);
    expect(counts.reduce((a, b) => a + b)).toBe(3);
  });

  it("moves the buckets with the zone", () => {
    // 19:00 in New York is 23:00 UTC and 08:00 the next morning in Tokyo.
    expect(ordersPerHour(orders, { zone: "UTC", startHour: 0 })[23]).toBe(1);
    expect(ordersPerHour(orders, { zone: "Asia/Tokyo", startHour: 0 })[8]).toBe(1);
  });

  it("counts hours from the business day's start hour", () => {
    // From 04:00: 12:05 is the business day's hour 8, 19:00 its hour 15.
    const counts = ordersPerHour(orders, { zone: ZONE, startHour: 4 });
    expect([counts[8], counts[15]]).toEqual([2, 1]);
  });
});
