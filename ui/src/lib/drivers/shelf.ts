import type { ShelfOrder } from "../backend";
import { orderKey } from "../orders/orders";

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
