import { describe, expect, it } from "vitest";
import { boardColumns } from "../kitchen/board";
import { at, DAY, row, RULE } from "../orders/fixtures";
import { groupOrders } from "../orders/orders";
import { ordersAt, replayCutoff } from "./replay";

const orders = groupOrders([
  row("1", "order done", at(12, 0)),
  row("1", "preparing", at(12, 3, 30)),
  row("1", "in the oven", at(12, 10)),
  row("1", "ready", at(12, 25)),
  row("1", "picked up", at(12, 30)),
  row("2", "order done", at(12, 5)),
  row("2", "cancelled", at(12, 7)),
]);

const board = (minute: number) =>
  Object.fromEntries(ordersAt(orders, replayCutoff(DAY, minute, RULE)).map((o) => [o.order, o.current]));

describe("replay", () => {
  it("shows nothing before the first order", () => {
    expect(board(11 * 60 + 59)).toEqual({});
  });

  it("counts an event at minute T when its time is within or before that minute", () => {
    expect(board(12 * 60 + 3)).toEqual({ "1": "preparing" });
    expect(board(12 * 60 + 2)).toEqual({ "1": "order done" });
  });

  it("moves the orders through the stages as the minutes pass", () => {
    expect(board(12 * 60 + 6)).toEqual({ "1": "preparing", "2": "order done" });
    expect(board(12 * 60 + 8)).toEqual({ "1": "preparing", "2": "cancelled" });
    expect(board(12 * 60 + 20)).toEqual({ "1": "in the oven", "2": "cancelled" });
    expect(board(12 * 60 + 25)["1"]).toBe("ready");
    expect(board(23 * 60 + 59)["1"]).toBe("picked up");
  });

  it("builds the kitchen board as it was, without orders that had left it", () => {
    const columns = boardColumns(ordersAt(orders, replayCutoff(DAY, 12 * 60 + 20, RULE)));
    expect(columns.find((c) => c.stage === "in the oven")?.orders.map((o) => o.order)).toEqual(["1"]);
    expect(columns.flatMap((c) => c.orders)).toHaveLength(1);
  });

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
