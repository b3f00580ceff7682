import { describe, expect, it } from "vitest";
import { at, row } from "./fixtures";
import { groupOrders, matchesQuery } from "./orders";
import { nextKitchenStage } from "./stages";
import { statusLabel } from "../i18n";

describe("groupOrders", () => {
  it("keeps the same number on two business days apart: two orders", () => {
    const orders = groupOrders([
      row("860001", "delivered", at(21, 0), "Ana", "2026-03-13"),
      row("860001", "order done", at(20, 0), "Bia"),
    ]);
    expect(orders.map((o) => [o.day, o.current, o.client])).toEqual([
      ["2026-03-14", "order done", "Bia"],
      ["2026-03-13", "delivered", "Ana"],
    ]);
  });

  it("puts an order at the status with the latest time", () => {
    const [order] = groupOrders([
      row("42", "preparing", at(12, 3)),
      row("42", "order done", at(12, 0)),
      row("42", "in the oven", at(12, 9)),
    ]);
    expect(order.current).toBe("in the oven");
    expect(order.createdAt).toBe(Date.parse(at(12, 0)));
    expect(order.events.map((e) => e.status)).toEqual(["order done", "preparing", "in the oven"]);
  });

  it("sends an order back when its previous stage is tapped again (undo)", () => {
    // "in the oven" at 12:09, then undo: "preparing" tapped again at 12:10.
    const [order] = groupOrders([
      row("42", "order done", at(12, 0)),
      row("42", "preparing", at(12, 10)),
      row("42", "in the oven", at(12, 9)),
    ]);
    expect(order.current).toBe("preparing");
  });

  it("breaks a tie in time by the stage order", () => {
    const [order] = groupOrders([row("7", "ready", at(13, 0)), row("7", "packing for delivery", at(13, 0))]);
    expect(order.current).toBe("ready");
  });

  it("cancels a new order by undoing its creation", () => {
    const [order] = groupOrders([row("8", "order done", at(13, 0)), row("8", "cancelled", at(13, 0, 5))]);
    expect(order.current).toBe("cancelled");
  });

  it("takes the client from the latest row and skips statuses it does not know", () => {
    const [order] = groupOrders([
      row("9", "order done", at(14, 0), "Ana"),
      row("9", "preparing", at(14, 2), "Ana Maria"),
      row("9", "tasting", at(14, 5)),
    ]);
    expect(order.client).toBe("Ana Maria");
    expect(order.current).toBe("preparing");
  });

  it("lists orders by when they were entered", () => {
    const orders = groupOrders([row("2", "order done", at(12, 5)), row("10", "order done", at(12, 1))]);
    expect(orders.map((o) => o.order)).toEqual(["10", "2"]);
  });
});

describe("matchesQuery", () => {
  it("matches the order id or the client, ignoring case and spaces around", () => {
    const order = { order: "142", client: "Mei Lin" };
    expect(matchesQuery(order, "")).toBe(true);
    expect(matchesQuery(order, "14")).toBe(true);
    expect(matchesQuery(order, " mei ")).toBe(true);
    expect(matchesQuery(order, "ana")).toBe(false);
  });
});

describe("stages", () => {
  it("moves one kitchen stage at a time and stops at ready", () => {
    expect(nextKitchenStage("order done")).toBe("preparing");
    expect(nextKitchenStage("packing for delivery")).toBe("ready");
    expect(nextKitchenStage("ready")).toBeNull();
    expect(statusLabel("in the oven")).toBe("In the oven");
  });
});
