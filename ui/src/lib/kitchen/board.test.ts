import { describe, expect, it } from "vitest";
import { allDay, ageTone, boardColumns, CARD_LINES, cardLines, lineTitle, undoTap, type BoardOrder } from "./board";

const thresholds = { warnAfterMinutes: 15, lateAfterMinutes: 25 };
const MIN = 60_000;

function order(id: string, current: string, createdAt: number, client = "Ana"): BoardOrder {
  return { day: "2026-03-14", order: id, client, current, createdAt };
}

describe("ageTone", () => {
  it("turns amber at the warning threshold and red at the late one", () => {
    expect(ageTone(14 * MIN + 59_000, thresholds)).toBe("fresh");
    expect(ageTone(15 * MIN, thresholds)).toBe("warn");
    expect(ageTone(24 * MIN, thresholds)).toBe("warn");
    expect(ageTone(25 * MIN, thresholds)).toBe("late");
  });
});

describe("boardColumns", () => {
  const orders = [
    order("1", "preparing", 300),
    order("2", "preparing", 100, "Bruno"),
    order("3", "ready", 50),
    order("4", "picked up", 10),
    order("5", "delivered", 10),
    order("6", "cancelled", 10),
  ];

  it("has the six kitchen columns, oldest order first, and nothing that left the kitchen", () => {
    const columns = boardColumns(orders);
    expect(columns.map((c) => c.stage)).toEqual([
      "order done",
      "preparing",
      "in the oven",
      "left the oven",
      "packing for delivery",
      "ready",
    ]);
    expect(columns[1].orders.map((o) => o.order)).toEqual(["2", "1"]);
    expect(columns[5].orders.map((o) => o.order)).toEqual(["3"]);
    expect(columns.flatMap((c) => c.orders)).toHaveLength(3);
  });

  it("keeps only the cards that match the search", () => {
    const columns = boardColumns(orders, "bru");
    expect(columns.flatMap((c) => c.orders).map((o) => o.order)).toEqual(["2"]);
  });
});

describe("undoTap", () => {
  it("taps the stage the order was at before", () => {
    expect(undoTap({ day: "2026-03-14", order: "42", client: "Ana", from: "preparing", to: "in the oven" })).toEqual({
      day: "2026-03-14",
      order: "42",
      client: "Ana",
      status: "preparing",
    });
  });

  it("cancels an order whose creation is undone", () => {
    expect(undoTap({ day: "2026-03-14", order: "42", client: "Ana", from: null, to: "order done" }).status).toBe(
      "cancelled",
    );
  });
});

describe("a card's lines", () => {
  const line = (item: string) => ({ quantity: 1, item });
  const many = (n: number) => ({ lines: Array.from({ length: n }, (_, i) => line(`Pizza ${i + 1}`)) });

  it("reads as the kitchen says it", () => {
    expect(lineTitle({ quantity: 2, item: "Margherita", size: "large", modifiers: ["olives"] })).toBe("2× Margherita (large)");
    expect(lineTitle(line("Coke"))).toBe("1× Coke");
  });

  it("folds a long order into +N more, and shows it all once opened", () => {
    expect(cardLines(undefined, false)).toEqual({ shown: [], folded: 0 });
    expect(cardLines(many(CARD_LINES + 1), false).folded).toBe(0);
    const folded = cardLines(many(CARD_LINES + 3), false);
    expect(folded.shown.map((l) => l.item)).toEqual(["Pizza 1", "Pizza 2", "Pizza 3", "Pizza 4"]);
    expect(folded.folded).toBe(3);
    expect(cardLines(many(CARD_LINES + 3), true)).toEqual({ shown: many(CARD_LINES + 3).lines, folded: 0 });
  });
});

describe("the all-day count", () => {
  const order = (n: string, current: string, lines: { quantity: number; item: string; size?: string }[]): BoardOrder => ({
    day: "2026-12-03",
    order: n,
    client: "Ana",
    current,
    createdAt: 0,
    contents: { lines },
  });

  it("sums what the orders not yet ready want, by item, most first", () => {
    const counted = allDay([
      order("1", "order done", [{ quantity: 2, item: "Margherita", size: "large" }, { quantity: 1, item: "Coke" }]),
      order("2", "in the oven", [{ quantity: 1, item: "Margherita", size: "small" }, { quantity: 1, item: "Calabresa" }]),
      order("3", "ready", [{ quantity: 5, item: "Margherita" }]),
      order("4", "picked up", [{ quantity: 5, item: "Calabresa" }]),
      { day: "2026-12-03", order: "5", client: "Bia", current: "preparing", createdAt: 0 },
    ]);
    expect(counted).toEqual([
      { item: "Margherita", count: 3 },
      { item: "Calabresa", count: 1 },
      { item: "Coke", count: 1 },
    ]);
  });
});
