import { describe, expect, it } from "vitest";
import { at, row } from "../orders/fixtures";
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

  it("ends a cancelled order with a mark at the cancellation", () => {
    const [cancelled] = timeline(
      groupOrders([row("3", "order done", at(12, 0)), row("3", "cancelled", at(12, 4))]),
      Date.parse(at(13, 0)),
    ).rows;
    expect(cancelled.outcome).toBe("cancelled");
    expect(cancelled.segments.map((s) => s.status)).toEqual(["order done", "cancelled"]);
    expect(cancelled.segments[1].start).toBe(cancelled.segments[1].end);
  });
});
