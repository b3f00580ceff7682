import type { DayViewRow, OrderContents } from "../backend";
import { isStatus, stageRank } from "./stages";

/** One status of an order as the day view keeps it: the latest tap of that status. */
export interface OrderEvent {
  status: string;
  /** Milliseconds since the epoch. */
  time: number;
}

/** An order, worked out once per view: its number within its business day. */
export interface Order {
  /** The order's business day: with the number, which order it is. */
  day: string;
  order: string;
  client: string;
  /** Sorted by time; ties in stage order, so the later stage counts as the later tap. */
  events: OrderEvent[];
  /** The status of the latest event: where the order is now. */
  current: string;
  currentAt: number;
  /** When the order was entered ("order done"), or its first event if that row is missing. */
  createdAt: number;
  /** The time of each status the order reached (the latest tap of it). */
  times: Partial<Record<string, number>>;
  /** What the order is, when its "order done" said it. */
  contents?: OrderContents;
}

export function compareEvents(a: OrderEvent, b: OrderEvent): number {
  return a.time - b.time || stageRank(a.status) - stageRank(b.status);
}

/** The key of an order: order numbers restart every business day. */
export function orderKey(order: { day: string; order: string }): string {
  return `${order.day}#${order.order}`;
}

/**
 * Groups rows into orders (a number within its business day). Undo is a later
 * re-tap of an earlier stage, and every device stamps a tap after what it has
 * seen of the order, so "current" is simply the status with the latest time.
 * Statuses this UI does not know (a newer schema) are left out rather than
 * guessed at.
 */
export function groupOrders(rows: readonly DayViewRow[]): Order[] {
  const byOrder = new Map<string, { day: string; order: string; rows: { row: DayViewRow; event: OrderEvent }[] }>();
  for (const row of rows) {
    if (!isStatus(row.status)) continue;
    const time = Date.parse(row.time);
    if (Number.isNaN(time)) continue;
    const key = orderKey(row);
    let entry = byOrder.get(key);
    if (entry === undefined) {
      entry = { day: row.day, order: row.order, rows: [] };
      byOrder.set(key, entry);
    }
    entry.rows.push({ row, event: { status: row.status, time } });
  }
  const orders: Order[] = [];
  for (const { day, order, ...entry } of byOrder.values()) {
    entry.rows.sort((a, b) => compareEvents(a.event, b.event));
    const events = entry.rows.map((r) => r.event);
    const last = entry.rows[entry.rows.length - 1];
    const times: Partial<Record<string, number>> = {};
    for (const event of events) times[event.status] = event.time;
    const contents = entry.rows.find((r) => r.event.status === "order done")?.row.contents;
    orders.push({
      day,
      order,
      client: last.row.client,
      events,
      current: last.event.status,
      currentAt: last.event.time,
      createdAt: times["order done"] ?? events[0].time,
      times,
      ...(contents ? { contents } : {}),
    });
  }
  orders.sort((a, b) => a.createdAt - b.createdAt || a.order.localeCompare(b.order, undefined, { numeric: true }));
  return orders;
}

/** Case-insensitive match on the order id or the client's name; an empty query matches all. */
export function matchesQuery(order: { order: string; client: string }, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === "") return true;
  return order.order.toLowerCase().includes(q) || order.client.toLowerCase().includes(q);
}
