import type { BoardColumn, OrderContents, OrderLine } from "../backend";
import { matchesQuery } from "../orders/orders";

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

/** The board's columns with only the cards that match the search (order number or client). */
export function searchColumns(columns: readonly BoardColumn[], query: string): BoardColumn[] {
  if (query.trim() === "") return [...columns];
  return columns.map((column) => ({ ...column, orders: column.orders.filter((o) => matchesQuery(o, query)) }));
}
