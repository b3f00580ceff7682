import { isStatus } from "../orders/stages";
import { t } from "./language.svelte";

/**
 * A status as the screens name it, in the current language ("in the oven" →
 * "In the oven", "No forno"). The contract's status strings stay as they are;
 * a status of a newer schema is shown as it came.
 */
export function statusLabel(status: string): string {
  if (isStatus(status)) return t(`status.${status}`);
  return status.charAt(0).toUpperCase() + status.slice(1);
}
