import { describe, expect, it } from "vitest";
import { at, DAY, row, RULE } from "../orders/fixtures";
import { replayCutoff } from "../manager/replay";
import type { DayViewRow, OrderContents } from "./types";
import { boardAt, driverLists, lateOrders } from "./views";

const MIN = 60_000;

const numbers = (board: ReturnType<typeof boardAt>, stage: string) =>
  board.columns.find((c) => c.stage === stage)?.orders.map((o) => o.order);

describe("the in-memory board", () => {
  const rows = [
    row("1", "preparing", at(12, 5)),
    row("1", "order done", at(12, 3)),
    row("2", "order done", at(12, 1), "Bruno"),
    row("2", "preparing", at(12, 2), "Bruno"),
    row("3", "ready", at(11, 50)),
    row("4", "picked up", at(11, 0)),
    row("5", "delivered", at(11, 0)),
    row("6", "cancelled", at(11, 0)),
  ];

  it("has the six kitchen columns, oldest order first, and nothing that left the kitchen", () => {
    const board = boardAt(rows, null);
    expect(board.columns.map((c) => c.stage)).toEqual([
      "order done",
      "preparing",
      "in the oven",
      "left the oven",
      "packing for delivery",
      "ready",
    ]);
    expect(numbers(board, "preparing")).toEqual(["2", "1"]);
    expect(numbers(board, "ready")).toEqual(["3"]);
    expect(board.columns.flatMap((c) => c.orders)).toHaveLength(3);
  });

  it("sums what the orders not yet ready want, by item, most first, and leaves out where they go", () => {
    const withContents = (r: DayViewRow, contents: OrderContents): DayViewRow => ({ ...r, contents });
    const board = boardAt(
      [
        withContents(row("1", "order done", at(12, 0)), {
          lines: [{ quantity: 2, item: "Margherita", size: "large" }, { quantity: 1, item: "Coke" }],
          address: "Rua Augusta, 1200",
        }),
        withContents(row("2", "order done", at(12, 1)), {
          lines: [{ quantity: 1, item: "Margherita", size: "small" }, { quantity: 1, item: "Calabresa" }],
        }),
        row("2", "in the oven", at(12, 5)),
        withContents(row("3", "order done", at(12, 2)), { lines: [{ quantity: 5, item: "Margherita" }] }),
        row("3", "ready", at(12, 20)),
        row("5", "preparing", at(12, 3)),
      ],
      null,
    );
    expect(board.allDay).toEqual([
      { item: "Margherita", count: 3 },
      { item: "Calabresa", count: 1 },
      { item: "Coke", count: 1 },
    ]);
    expect(board.columns[0].orders[0].contents).toEqual({
      lines: [{ quantity: 2, item: "Margherita", size: "large" }, { quantity: 1, item: "Coke" }],
    });
  });
});

describe("the in-memory replay", () => {
  const rows = [
    row("1", "order done", at(12, 0)),
    row("1", "preparing", at(12, 3, 30)),
    row("1", "in the oven", at(12, 10)),
    row("1", "ready", at(12, 25)),
    row("1", "picked up", at(12, 30)),
    row("2", "order done", at(12, 5)),
    row("2", "cancelled", at(12, 7)),
  ];
  const board = (minute: number) => {
    const view = boardAt(rows, replayCutoff(DAY, minute, RULE));
    return Object.fromEntries(view.columns.flatMap((c) => c.orders).map((o) => [o.order, o.current]));
  };

  it("shows nothing before the first order", () => {
    expect(board(11 * 60 + 59)).toEqual({});
  });

  it("counts an event at minute T when its time is within or before that minute", () => {
    expect(board(12 * 60 + 3)).toEqual({ "1": "preparing" });
    expect(board(12 * 60 + 2)).toEqual({ "1": "order done" });
  });

  it("moves the orders through the stages, and off the board once they leave the kitchen", () => {
    expect(board(12 * 60 + 6)).toEqual({ "1": "preparing", "2": "order done" });
    expect(board(12 * 60 + 8)).toEqual({ "1": "preparing" });
    expect(board(12 * 60 + 20)).toEqual({ "1": "in the oven" });
    expect(board(12 * 60 + 25)).toEqual({ "1": "ready" });
    expect(board(23 * 60 + 59)).toEqual({});
  });
});

describe("the in-memory late list", () => {
  const rows = [
    // Ready in 20 minutes: on time.
    row("1", "order done", at(12, 0)),
    row("1", "ready", at(12, 20)),
    // Ready in 40 minutes: late.
    row("2", "order done", at(12, 0)),
    row("2", "ready", at(12, 40)),
    // Not ready, entered 30 minutes before now: late.
    row("3", "order done", at(12, 30)),
    row("3", "in the oven", at(12, 45)),
    // Not ready, entered 10 minutes before now: not late yet.
    row("4", "order done", at(12, 50)),
    // Cancelled before it was ready: gone, not late.
    row("5", "order done", at(11, 0)),
    row("5", "cancelled", at(11, 5)),
    // Picked up without a "ready" tap, 31 minutes after the order.
    row("6", "order done", at(12, 0)),
    row("6", "picked up", at(12, 31)),
  ];

  it("lists orders slower than the threshold, or older than it and not ready, longest first", () => {
    const late = lateOrders(rows, 25, Date.parse(at(13, 0)));
    expect(late.map((o) => [o.order, o.waitedMs / MIN])).toEqual([
      ["2", 40],
      ["6", 31],
      ["3", 30],
    ]);
    expect(late.find((o) => o.order === "3")?.readyAt).toBeUndefined();
  });

  it("counts exactly the threshold as on time", () => {
    expect(lateOrders(rows, 40, Date.parse(at(13, 0))).map((o) => o.order)).toEqual([]);
  });
});

describe("the in-memory drivers' lists", () => {
  const rows = [
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
  ];

  it("lists ready orders by time on the shelf, longest wait first", () => {
    expect(driverLists(rows).ready.map((o) => o.order)).toEqual(["2", "6", "1"]);
  });

  it("lists picked-up orders not yet delivered", () => {
    const { onTheRoad } = driverLists(rows);
    expect(onTheRoad.map((o) => o.order)).toEqual(["3"]);
    expect(Date.parse(onTheRoad[0].since)).toBe(Date.parse(at(12, 20)));
  });
});
