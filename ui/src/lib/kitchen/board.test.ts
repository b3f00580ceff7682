import { describe, expect, it } from "vitest";
import { ageTone, CARD_LINES, cardLines, lineTitle, searchColumns, undoTap } from "./board";

const thresholds = { warnAfterMinutes: 15, lateAfterMinutes: 25 };
const MIN = 60_000;

describe("searchColumns", () => {
  const card = (order: string, client: string) => ({
    day: "2026-03-14",
    order,
    client,
    current: "preparing" as const,
    createdAt: "2026-03-14T12:00:00.000Z",
  });
  const columns = [{ stage: "preparing" as const, orders: [card("1", "Ana"), card("2", "Bruno"), card("12", "Caio")] }];

  it("keeps only the cards whose number or client matches", () => {
    expect(searchColumns(columns, "bru")[0].orders.map((o) => o.order)).toEqual(["2"]);
    expect(searchColumns(columns, " 1")[0].orders.map((o) => o.order)).toEqual(["1", "12"]);
    expect(searchColumns(columns, "")[0].orders).toHaveLength(3);
  });
});

describe("ageTone", () => {
  it("turns amber at the warning threshold and red at the late one", () => {
    expect(ageTone(14 * MIN + 59_000, thresholds)).toBe("fresh");
    expect(ageTone(15 * MIN, thresholds)).toBe("warn");
    expect(ageTone(24 * MIN, thresholds)).toBe("warn");
    expect(ageTone(25 * MIN, thresholds)).toBe("late");
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
