import { groupOrders, type Order } from "../orders/orders";
import { isKitchenStage, KITCHEN_STAGES } from "../orders/stages";
import type { AllDayItem, BoardOrder, BoardView, DayViewRow, DriverLists, LateOrder, ShelfOrder } from "./types";

/*
 * The in-memory backend's stand-ins for the views the core works out
 * (`kitchen_domain::board` and `kitchen_domain::orders::driver_lists`), so the
 * screens run in a plain browser. The screens themselves only show what a
 * backend hands them.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The board as it stood at `at` (milliseconds), or as it stands now when `at`
 * is null: each order in the column of its last event by then; orders that had
 * left the kitchen, or were not entered yet, are not on it. Oldest first.
 */
export function boardAt(rows: readonly DayViewRow[], at: number | null): BoardView {
  const cards: BoardOrder[] = [];
  for (const order of groupOrders(rows)) {
    const current = statusAt(order, at);
    if (current === null || !isKitchenStage(current)) continue;
    const done = order.times["order done"];
    const createdAt = done !== undefined && (at === null || done <= at) ? done : order.events[0].time;
    const { lines, note } = order.contents ?? {};
    const contents = { ...(lines?.length ? { lines } : {}), ...(note ? { note } : {}) };
    cards.push({
      day: order.day,
      order: order.order,
      client: order.client,
      current,
      createdAt: iso(createdAt),
      ...(Object.keys(contents).length ? { contents } : {}),
    });
  }
  const key = (o: BoardOrder) => `${o.createdAt}|${o.day}|${o.order}`;
  const columns = KITCHEN_STAGES.map((stage) => ({
    stage,
    orders: cards.filter((o) => o.current === stage).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
  }));
  return { columns, allDay: allDay(columns.filter((c) => c.stage !== "ready").flatMap((c) => c.orders)) };
}

function statusAt(order: Order, at: number | null): string | null {
  let current: string | null = null;
  for (const event of order.events) {
    if (at !== null && event.time > at) break;
    current = event.status;
  }
  return current;
}

/** What `orders` still want, summed by item (sizes together): most first, then by name. */
function allDay(orders: readonly BoardOrder[]): AllDayItem[] {
  const counts = new Map<string, number>();
  for (const order of orders) {
    for (const line of order.contents?.lines ?? []) counts.set(line.item, (counts.get(line.item) ?? 0) + line.quantity);
  }
  return [...counts]
    .map(([item, count]) => ({ item, count }))
    .sort((a, b) => b.count - a.count || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
}

/**
 * Orders slower than `lateAfterMinutes` from "order done" to ready, or older
 * than that at `until` and still not ready; longest first. An order picked up
 * or delivered without a "ready" tap was ready by then; one cancelled before
 * it was ready is gone, not late.
 */
export function lateOrders(rows: readonly DayViewRow[], lateAfterMinutes: number, until: number): LateOrder[] {
  const late: LateOrder[] = [];
  for (const order of groupOrders(rows)) {
    const readyAt = order.times["ready"] ?? order.times["picked up"] ?? order.times["delivered"] ?? null;
    if (readyAt === null && order.times["cancelled"] !== undefined) continue;
    const waitedMs = (readyAt ?? until) - order.createdAt;
    if (waitedMs > lateAfterMinutes * 60_000) {
      late.push({
        day: order.day,
        order: order.order,
        client: order.client,
        createdAt: iso(order.createdAt),
        ...(readyAt !== null ? { readyAt: iso(readyAt) } : {}),
        waitedMs,
      });
    }
  }
  return late.sort((a, b) => b.waitedMs - a.waitedMs);
}

/** The drivers' two lists from orders whose current stage is "ready" or "picked up", oldest first. */
export function driverLists(rows: readonly DayViewRow[]): DriverLists {
  const ready: ShelfOrder[] = [];
  const onTheRoad: ShelfOrder[] = [];
  for (const order of groupOrders(rows)) {
    const { address, phone, delivery_note: deliveryNote } = order.contents ?? {};
    const shelf: ShelfOrder = {
      day: order.day,
      order: order.order,
      client: order.client,
      since: iso(order.currentAt),
      ...(address ? { address } : {}),
      ...(phone ? { phone } : {}),
      ...(deliveryNote ? { deliveryNote } : {}),
    };
    if (order.current === "ready") ready.push(shelf);
    else if (order.current === "picked up") onTheRoad.push(shelf);
  }
  const oldestFirst = (a: ShelfOrder, b: ShelfOrder) =>
    a.since.localeCompare(b.since) || a.day.localeCompare(b.day) || a.order.localeCompare(b.order);
  return { ready: ready.sort(oldestFirst), onTheRoad: onTheRoad.sort(oldestFirst) };
}
