/**
 * Days and minutes on this machine's clock, which is the kitchen's: the
 * screens ask for "today" and replay "12:30" as the people in the room mean them.
 */

const two = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD` of a moment on the local clock. */
export function localDay(time: Date | number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/** Local midnight at the start of a `YYYY-MM-DD` day, in milliseconds. */
export function dayStart(day: string): number {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date).getTime();
}

/** The local moment of minute `minute` (0–1439) of a day; DST-safe because it goes through the calendar. */
export function minuteTime(day: string, minute: number): number {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date, Math.floor(minute / 60), minute % 60).getTime();
}

/** Local midnight after the day, in milliseconds. */
export function dayEnd(day: string): number {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date + 1).getTime();
}

/** "HH:MM" of a moment on the local clock. */
export function clockMinute(time: number): string {
  const date = new Date(time);
  return `${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** "HH:MM" of a minute of the day (0–1439). */
export function minuteLabel(minute: number): string {
  return `${two(Math.floor(minute / 60))}:${two(minute % 60)}`;
}

/** The minute of the day (0–1439) of a moment on the local clock. */
export function minuteOfDay(time: number): number {
  const date = new Date(time);
  return date.getHours() * 60 + date.getMinutes();
}

/** The day before or after a `YYYY-MM-DD` day. */
export function shiftDay(day: string, days: number): string {
  const [year, month, date] = day.split("-").map(Number);
  return localDay(new Date(year, month - 1, date + days));
}
