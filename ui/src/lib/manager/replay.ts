import type { BoardOrder } from "../kitchen/board";
import type { Order } from "../orders/orders";
import { businessMinuteTime, type BusinessDayRule } from "../time/day";

/**
 * The last moment that counts at minute `minute` (0–1439, from the start
 * hour) of a business day: an event counts if its time, to the minute, is at
 * or before that minute, so the board at 12:30 includes a tap at 12:30:45.
 * Minutes are on the store's clock.
 */
export function replayCutoff(day: string, minute: number, rule: BusinessDayRule): number {
  return businessMinuteTime(day, minute, rule) + 59_999;
}

/** Every order as it stood at `cutoff`; orders not yet entered then are left out. */
export function ordersAt(orders: readonly Order[], cutoff: number): BoardOrder[] {
  const board: BoardOrder[] = [];
  for (const order of orders) {
    // Events are sorted by time: the last one at or before the cutoff is where the order was.
    let current: string | null = null;
    for (const event of order.events) {
      if (event.time > cutoff) break;
      current = event.status;
    }
    if (current === null) continue;
    const created = order.times["order done"];
    board.push({
      day: order.day,
      order: order.order,
      client: order.client,
      current,
      createdAt: created !== undefined && created <= cutoff ? created : order.events[0].time,
    });
  }
  return board;
}
