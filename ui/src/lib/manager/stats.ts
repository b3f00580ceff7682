import type { Order } from "../orders/orders";
import { DELIVERY_STAGES, KITCHEN_STAGES } from "../orders/stages";
import { businessHour, type BusinessDayRule } from "../time/day";

/** The stages that have a duration: every one but the last ("delivered" ends the order). */
export const TIMED_STAGES = [...KITCHEN_STAGES, "picked up"] as const;
const FLOW: readonly string[] = [...KITCHEN_STAGES, ...DELIVERY_STAGES];

/**
 * How long each order spent in each stage, in milliseconds: from the stage's
 * time to the time of the next stage the order reached (stages it skipped
 * are passed over). Negative spans, from clocks that disagree or an undo, say
 * nothing about the kitchen and are left out.
 */
export function stageDurations(orders: readonly Order[]): Map<string, number[]> {
  const durations = new Map<string, number[]>(TIMED_STAGES.map((stage) => [stage, []]));
  for (const order of orders) {
    let previous: string | null = null;
    for (const stage of FLOW) {
      const time = order.times[stage];
      if (time === undefined) continue;
      if (previous !== null) {
        const span = time - (order.times[previous] as number);
        if (span >= 0) durations.get(previous)?.push(span);
      }
      previous = stage;
    }
  }
  return durations;
}

/** The p-th percentile (0–1) of values sorted ascending, interpolating between ranks; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export interface StageStat {
  stage: string;
  /** How many orders have a duration for this stage. */
  count: number;
  median: number | null;
  p90: number | null;
}

export function stageStats(orders: readonly Order[]): StageStat[] {
  const durations = stageDurations(orders);
  return TIMED_STAGES.map((stage) => {
    const sorted = (durations.get(stage) ?? []).slice().sort((a, b) => a - b);
    return { stage, count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
  });
}

/**
 * Orders entered in each hour of the business day: index 0 is the start hour
 * on the store's clocks, 23 the hour before it.
 */
export function ordersPerHour(orders: readonly Order[], rule: BusinessDayRule): number[] {
  const counts = new Array<number>(24).fill(0);
  for (const order of orders) counts[businessHour(order.createdAt, rule)] += 1;
  return counts;
}
