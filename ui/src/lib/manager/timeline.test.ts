import { describe, expect, it } from "vitest";
import { at, row, ZONE } from "../orders/fixtures";
import { groupOrders } from "../orders/orders";
import { timeline } from "./timeline";

describe("timeline", () => {
  it("draws each stage from its tap to the next, and an open order up to now", () => {
    const chart = timeline(
      groupOrders([
        row("1", "order done", at(12, 10)),
        row("1", "preparing", at(12, 12)),
        row("1", "delivered", at(12, 50)),
        row("2", "order done", at(13, 5)),
      ]),
      Date.parse(at(13, 20)),
      ZONE,
    );
    const [first, second] = chart.rows;
    expect(first.segments.map((s) => [s.status, s.start, s.end])).toEqual([
      ["order done", Date.parse(at(12, 10)), Date.parse(at(12, 12))],
      ["preparing", Date.parse(at(12, 12)), Date.parse(at(12, 50))],
    ]);
    expect(first.outcome).toBe("delivered");
    expect(second.segments).toEqual([{ status: "order done", start: Date.parse(at(13, 5)), end: Date.parse(at(13, 20)) }]);
    expect(second.outcome).toBeNull();
    expect([chart.start, chart.end]).toEqual([Date.parse(at(12, 0)), Date.parse(at(14, 0))]);
  });

  it("starts and ends on whole hours of the store's clock, also half an hour off UTC", () => {
    const orders = groupOrders([
      row("1", "order done", "2026-03-14T08:10:00Z"),
      row("1", "ready", "2026-03-14T08:50:00Z"),
    ]);
    const chart = timeline(orders, -Infinity, "Asia/Kolkata");
    // 13:40–14:20 in India: the chart runs 13:00–15:00 there.
    expect([chart.start, chart.end]).toEqual([Date.parse("2026-03-14T07:30:00Z"), Date.parse("2026-03-14T09:30:00Z")]);
  });

  it("ends a cancelled order with a mark at the cancellation", () => {
    const [cancelled] = timeline(
      groupOrders([row("3", "order done", at(12, 0)), row("3", "cancelled", at(12, 4))]),
      Date.parse(at(13, 0)),
      ZONE,
    ).rows;
    expect(cancelled.outcome).toBe("cancelled");
    expect(cancelled.segments.map((s) => s.status)).toEqual(["order done", "cancelled"]);
    expect(cancelled.segments[1].start).toBe(cancelled.segments[1].end);
  });
});
