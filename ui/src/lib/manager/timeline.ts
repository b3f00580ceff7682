import type { Order } from "../orders/orders";
import { hourFloor } from "../time/day";

export interface Segment {
  status: string;
  start: number;
  end: number;
}

export interface TimelineRow {
  order: string;
  client: string;
  segments: Segment[];
  /** Whether the order ended the way orders should (delivered) or was cancelled; null while open. */
  outcome: "delivered" | "cancelled" | null;
}

export interface Timeline {
  rows: TimelineRow[];
  /** The span the chart shows, on whole hours around the day's events. */
  start: number;
  end: number;
}

const HOUR = 3_600_000;

/**
 * Each order's stages as bars: a stage lasts from its tap to the order's next
 * tap; a cancelled order ends with a zero-length "cancelled" segment. An
 * open order's last stage runs to `until` (now, for today), or to the day's
 * last event if that is later.
 */
export function timeline(orders: readonly Order[], until: number, zone: string): Timeline {
  let first = Infinity;
  let last = -Infinity;
  for (const order of orders) {
    first = Math.min(first, order.events[0].time);
    last = Math.max(last, order.currentAt);
  }
  if (!Number.isFinite(first)) return { rows: [], start: 0, end: HOUR };
  const openUntil = Math.max(last, until);
  const rows = orders.map((order): TimelineRow => {
    const segments: Segment[] = [];
    const events = order.events;
    for (let i = 0; i < events.length; i++) {
      const status = events[i].status;
      if (status === "delivered") break;
      // A cancellation is a moment, drawn as a mark where the order stopped.
      if (status === "cancelled") {
        segments.push({ status, start: events[i].time, end: events[i].time });
        break;
      }
      const end = i + 1 < events.length ? events[i + 1].time : openUntil;
      segments.push({ status, start: events[i].time, end });
    }
    const outcome = order.current === "delivered" || order.current === "cancelled" ? order.current : null;
    return { order: order.order, client: order.client, segments, outcome };
  });
  // Whole hours of the store's clock (some time zones are half an hour off UTC's hours).
  const start = hourFloor(first, zone);
  const lastHour = hourFloor(openUntil, zone);
  const end = Math.max(start + HOUR, lastHour === openUntil ? openUntil : lastHour + HOUR);
  return { rows, start, end };
}
