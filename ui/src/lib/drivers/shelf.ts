import type { Order } from "../orders/orders";

export interface ShelfOrder {
  order: string;
  client: string;
  /** When the order became ready (picked-up orders: when it was picked up). */
  since: number;
}

export interface DriverLists {
  /** On the shelf, oldest first: the one that has waited longest goes out next. */
  ready: ShelfOrder[];
  /** On the road: picked up, not delivered yet. */
  onTheRoad: ShelfOrder[];
}

/** The drivers' two lists, from orders whose current stage is "ready" or "picked up". */
export function driverLists(orders: readonly Order[]): DriverLists {
  const ready: ShelfOrder[] = [];
  const onTheRoad: ShelfOrder[] = [];
  for (const order of orders) {
    if (order.current === "ready") ready.push({ order: order.order, client: order.client, since: order.currentAt });
    else if (order.current === "picked up") {
      onTheRoad.push({ order: order.order, client: order.client, since: order.currentAt });
    }
  }
  const oldestFirst = (a: ShelfOrder, b: ShelfOrder) => a.since - b.since || a.order.localeCompare(b.order);
  return { ready: ready.sort(oldestFirst), onTheRoad: onTheRoad.sort(oldestFirst) };
}

/** A pizza on the shelf cools in minutes: amber from 5, red from 10. */
export const SHELF_WARN_MINUTES = 5;
export const SHELF_LATE_MINUTES = 10;

export function shelfTone(waitMs: number): "fresh" | "warn" | "late" {
  const minutes = waitMs / 60_000;
  if (minutes >= SHELF_LATE_MINUTES) return "late";
  if (minutes >= SHELF_WARN_MINUTES) return "warn";
  return "fresh";
}

/**
 * Orders ready now that were not ready at the last look. The first look
 * (`before` null) announces nothing: those orders were there before the screen.
 */
export function newlyReady(before: ReadonlySet<string> | null, ready: readonly ShelfOrder[]): string[] {
  if (before === null) return [];
  return ready.filter((o) => !before.has(o.order)).map((o) => o.order);
}
