import type { DayViewRow } from "../backend";

export const CSV_COLUMNS = ["order", "status", "client", "time", "event_id", "device"] as const;

/** RFC 4180: a field with a comma, a double quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The day's events in time order, CRLF line ends as RFC 4180 asks. */
export function dayCsv(rows: readonly DayViewRow[]): string {
  const sorted = rows
    .slice()
    .sort((a, b) => a.time.localeCompare(b.time) || a.order.localeCompare(b.order, undefined, { numeric: true }));
  const lines = [CSV_COLUMNS.join(",")];
  for (const row of sorted) {
    lines.push([row.order, row.status, row.client, row.time, row.eventId, row.device ?? ""].map(csvField).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

export function csvFileName(day: string): string {
  return `kitchen-${day}.csv`;
}
