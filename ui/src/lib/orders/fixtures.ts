import type { DayViewRow } from "../backend";

/** A local moment on 2026-03-14, so tests read the same in every time zone. */
export function at(hours: number, minutes: number, seconds = 0): string {
  return new Date(2026, 2, 14, hours, minutes, seconds).toISOString();
}

export function row(order: string, status: string, time: string, client = "Ana"): DayViewRow {
  const eventId = `${order}-${status}-${time}`;
  return {
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
