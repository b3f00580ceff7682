import type { DayViewRow } from "../backend";
import { minuteTime } from "../time/day";

/**
 * The tests' store: far from UTC and on summer time in March, so a test that
 * used this machine's zone instead of the store's would read the wrong hour.
 */
export const ZONE = "America/New_York";
export const DAY = "2026-03-14";

/** A moment on the store's clock on `DAY`, so tests read the same on every machine. */
export function at(hours: number, minutes: number, seconds = 0): string {
  return new Date(minuteTime(DAY, hours * 60 + minutes, ZONE) + seconds * 1000).toISOString();
}

/** The rule the fixtures' days follow: New York, from midnight, so `DAY` is a calendar day. */
export const RULE = { zone: ZONE, startHour: 0 };

export function row(order: string, status: string, time: string, client = "Ana", day = DAY): DayViewRow {
  const eventId = `${order}-${status}-${time}`;
  return {
    day,
    order,
    status,
    client,
    time,
    eventId,
    device: "oven-1",
    timeEventId: `${time}#${eventId}`,
    source: { source: "table" },
  };
}
