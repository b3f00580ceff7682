import type { OrderContents, OrderLine } from "../backend";
import { matchesQuery } from "../orders/orders";
import { isKitchenStage, KITCHEN_STAGES, type KitchenStage } from "../orders/stages";

/** What a card needs: the live board and the replay both produce these. */
export interface BoardOrder {
  /** The order's business day: with the number, which order it is. */
  day: string;
  order: string;
  client: string;
  current: string;
  /** When the order was entered; the aging timer counts from here. */
  createdAt: number;
  /** What the order is, when its "order done" said it. */
  contents?: OrderContents;
}

/** A card shows this many lines; the rest fold into "+N more". */
export const CARD_LINES = 4;

/** A line as the kitchen reads it: "2× Margherita (large)"; the modifiers go below. */
export function lineTitle(line: OrderLine): string {
  return `${line.quantity}× ${line.item}${line.size ? ` (${line.size})` : ""}`;
}

/** The lines a card shows, and how many fold away unless it is opened. */
export function cardLines(contents: OrderContents | undefined, open: boolean): { shown: OrderLine[]; folded: number } {
  const lines = contents?.lines ?? [];
  // Folding one line would save nothing: "+1 more" takes its room.
  if (open || lines.length <= CARD_LINES + 1) return { shown: lines, folded: 0 };
  return { shown: lines.slice(0, CARD_LINES), folded: lines.length - CARD_LINES };
}

export interface BoardColumn<O extends BoardOrder = BoardOrder> {
  stage: KitchenStage;
  orders: O[];
}

export interface Thresholds {
  warnAfterMinutes: number;
  lateAfterMinutes: number;
}

export type AgeTone = "fresh" | "warn" | "late";

/** The colour of an aging timer: amber from the warning threshold, red from the late one. */
export function ageTone(ageMs: number, thresholds: Thresholds): AgeTone {
  const minutes = ageMs / 60_000;
  if (minutes >= thresholds.lateAfterMinutes) return "late";
  if (minutes >= thresholds.warnAfterMinutes) return "warn";
  return "fresh";
}

/**
 * The six kitchen columns, oldest order first in each. Orders picked up,
 * delivered or cancelled have left the kitchen and are not on the board.
 */
export function boardColumns<O extends BoardOrder>(orders: readonly O[], query = ""): BoardColumn<O>[] {
  const columns = new Map<KitchenStage, O[]>(KITCHEN_STAGES.map((stage) => [stage, []]));
  for (const order of orders) {
    if (!isKitchenStage(order.current) || !matchesQuery(order, query)) continue;
    columns.get(order.current)?.push(order);
  }
  return KITCHEN_STAGES.map((stage) => ({
    stage,
    orders: (columns.get(stage) ?? []).sort((a, b) => a.createdAt - b.createdAt),
  }));
}

/** A tap this screen made: enough to undo it. */
export interface LastTap {
  day: string;
  order: string;
  client: string;
  /** The order's stage before the tap; null when the tap created the order. */
  from: string | null;
  to: string;
}

export interface TapRequest {
  day: string;
  order: string;
  status: string;
  client: string;
}

/**
 * Undo is a new, later tap of the stage the order was at before, so the order
 * goes back everywhere; undoing a new order cancels it.
 */
export function undoTap(last: LastTap): TapRequest {
  return { day: last.day, order: last.order, client: last.client, status: last.from ?? "cancelled" };
}

/** One item of the "all day" count: how many of it the open orders still want. */
export interface AllDayItem {
  item: string;
  count: number;
}

/**
 * The "all day" count: what the orders on the board that are not ready yet
 * still want, summed by item (sizes together), most first, then by name.
 */
export function allDay(orders: readonly BoardOrder[]): AllDayItem[] {
  const counts = new Map<string, number>();
  for (const order of orders) {
    if (!isKitchenStage(order.current) || order.current === "ready") continue;
    for (const line of order.contents?.lines ?? []) {
      counts.set(line.item, (counts.get(line.item) ?? 0) + line.quantity);
    }
  }
  return [...counts]
    .map(([item, count]) => ({ item, count }))
    .sort((a, b) => b.count - a.count || a.item.localeCompare(b.item));
}
