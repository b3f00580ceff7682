import type { DayViewRow } from "../backend";

export const CSV_COLUMNS = ["order", "status", "client", "time", "event_id", "device"] as const;

/**
 * A cell a spreadsheet would run as a formula (one starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return) gets a leading single quote, so it opens as
 * the text it is: a client named `=HYPERLINK(…)` stays a name.
 */
export function neutralised(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * RFC 4180: a field with a comma, a double quote or a line break is quoted, its
 * quotes doubled; a formula is neutralised first.
 */
export function csvField(value: string): string {
  const text = neutralised(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
