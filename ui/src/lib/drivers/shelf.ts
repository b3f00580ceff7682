import type { DriverLists, ShelfOrder } from "../backend";
import { orderKey, type Order } from "../orders/orders";

/**
 * The drivers' two lists from orders whose current stage is "ready" or "picked
 * up", as the core works them out (`kitchen_domain::orders::driver_lists`):
 * the in-memory backend's stand-in for it.
 */
export function driverLists(orders: readonly Order[]): DriverLists {
  const ready: ShelfOrder[] = [];
  const onTheRoad: ShelfOrder[] = [];
  for (const order of orders) {
    const { address, phone, delivery_note: deliveryNote } = order.contents ?? {};
    const shelf: ShelfOrder = {
      day: order.day,
      order: order.order,
      client: order.client,
      since: new Date(order.currentAt).toISOString(),
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
 * Orders ready now that were not ready at the last look (keys of `orderKey`).
 * The first look (`before` null) announces nothing: those orders were there
 * before the screen. Returns the order numbers.
 */
export function newlyReady(before: ReadonlySet<string> | null, ready: readonly ShelfOrder[]): string[] {
  if (before === null) return [];
  return ready.filter((o) => !before.has(orderKey(o))).map((o) => o.order);
}
