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
