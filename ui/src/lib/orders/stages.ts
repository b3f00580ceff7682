import { KITCHEN_STAGES, STATUSES, type Status } from "../backend/bindings/contract";

/**
 * The statuses of an order, in the order an order goes through them, and the
 * kitchen's six: generated from the core's `Status`.
 */
export { KITCHEN_STAGES, STATUSES };
export const DELIVERY_STAGES = ["picked up", "delivered"] as const;

export type KitchenStage = (typeof KITCHEN_STAGES)[number];
export type { Status };

const RANK = new Map<string, number>(STATUSES.map((status, index) => [status, index]));

/** Position in the stage order; unknown statuses (a newer schema) sort first and are never current. */
export function stageRank(status: string): number {
  return RANK.get(status) ?? -1;
}

export function isStatus(value: string): value is Status {
  return RANK.has(value);
}

export function isKitchenStage(value: string): value is KitchenStage {
  return (KITCHEN_STAGES as readonly string[]).includes(value);
}

/** The stage a kitchen tap moves an order to; null at "ready", where the order waits for a driver. */
export function nextKitchenStage(stage: KitchenStage): KitchenStage | null {
  const index = KITCHEN_STAGES.indexOf(stage);
  return index < KITCHEN_STAGES.length - 1 ? KITCHEN_STAGES[index + 1] : null;
}

/** A CSS-friendly name for a status ("in the oven" → "in-the-oven"), for colour classes. */
export function stageSlug(status: string): string {
  return status.replace(/\s+/g, "-");
}

/** One strong colour per status, shared by the board, the timeline and the legend. */
export const STAGE_COLOURS: Record<Status, string> = {
  "order done": "#7d8bff",
  preparing: "#ffd23f",
  "in the oven": "#ff7a1a",
  "left the oven": "#ff5fa2",
  "packing for delivery": "#b57bff",
  ready: "#2fbf55",
  "picked up": "#29c5e6",
  delivered: "#9aa3ad",
  cancelled: "#5a5f66",
};

export function stageColour(status: string): string {
  return isStatus(status) ? STAGE_COLOURS[status] : "#5a5f66";
}
