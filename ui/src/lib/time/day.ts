/**
 * Days and minutes on the store's clock. The day an order belongs to is
 * decided in the store's time zone (`AppInfo.storeTimeZone`), not this
 * machine's, so every function that reads or makes a moment takes the zone.
 */

const two = (n: number) => String(n).padStart(2, "0");
const MINUTE = 60_000;
const DAY = 86_400_000;

// Building a formatter costs far more than using one; a day view asks thousands of times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, format);
  }
  return format;
}

/** What a wall clock in `zone` shows at a moment. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClock(time: number, zone: string): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(zone).formatToParts(time)) {
    if (part.type in wall) wall[part.type as keyof WallClock] = Number(part.value);
  }
  return wall;
}

/** Milliseconds to add to UTC to get the wall clock of `zone` at a moment (Lisbon in summer: +1 h). */
export function zoneOffset(time: number, zone: string): number {
  const w = wallClock(time, zone);
  const wholeSecond = Math.floor(time / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSecond;
}

/** Whether this browser knows the zone; an unknown one makes every Intl call throw. */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** This machine's zone: the fallback when the store's is unknown here. */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function parseDay(day: string): [number, number, number] {
  const [year, month, date] = day.split("-").map(Number);
  return [year, month, date];
}

/** `YYYY-MM-DD` of a moment in `zone`. */
export function zonedDay(time: Date | number, zone: string): string {
  const w = wallClock(new Date(time).getTime(), zone);
  return `${w.year}-${two(w.month)}-${two(w.day)}`;
}

/**
 * The moment the clocks of `zone` show minute `minute` (0–1439) of a day.
 * Where that minute happens twice (clocks going back) it is the first time;
 * where it never happens (clocks going forward) it is as many minutes after
 * the jump as the minute was after the jump's start, so 01:30 on a day that
 * skips from 01:00 to 02:00 is 02:30.
 */
export function minuteTime(day: string, minute: number, zone: string): number {
  const [year, month, date] = parseDay(day);
  const wall = Date.UTC(year, month - 1, date, Math.floor(minute / 60), minute % 60);
  // A day either side holds both offsets around any one change of the clocks.
  const before = zoneOffset(wall - DAY, zone);
  const after = zoneOffset(wall + DAY, zone);
  const fits = [before, after].map((offset) => wall - offset).filter((time) => zoneOffset(time, zone) === wall - time);
  if (fits.length > 0) return Math.min(...fits);
  return wall - before;
}

/** The first moment of a `YYYY-MM-DD` day in `zone`. */
export function dayStart(day: string, zone: string): number {
  return minuteTime(day, 0, zone);
}

/** The first moment of the day after, in `zone`. */
export function dayEnd(day: string, zone: string): number {
  return dayStart(shiftDay(day, 1), zone);
}

/** The minute of the day (0–1439) on the clocks of `zone` at a moment. */
export function minuteOfDay(time: number, zone: string): number {
  const w = wallClock(time, zone);
  return w.hour * 60 + w.minute;
}

/** The hour of the day (0–23) on the clocks of `zone` at a moment. */
export function hourOfDay(time: number, zone: string): number {
  return wallClock(time, zone).hour;
}

/** The moment the clocks of `zone` last showed a whole hour (zones half an hour off UTC included). */
export function hourFloor(time: number, zone: string): number {
  const w = wallClock(time, zone);
  return Math.floor(time / 1000) * 1000 - w.minute * MINUTE - w.second * 1000;
}

/** "HH:MM" on the clocks of `zone` at a moment. */
export function clockMinute(time: number, zone: string): string {
  const w = wallClock(time, zone);
  return `${two(w.hour)}:${two(w.minute)}`;
}

/** "HH:MM:SS" on the clocks of `zone` at a moment. */
export function clockSecond(time: number, zone: string): string {
  const w = wallClock(time, zone);
  return `${two(w.hour)}:${two(w.minute)}:${two(w.second)}`;
}

/** "HH:MM" of a minute of the day (0–1439). */
export function minuteLabel(minute: number): string {
  return `${two(Math.floor(minute / 60))}:${two(minute % 60)}`;
}

/** The day before or after a `YYYY-MM-DD` day: calendar arithmetic, the same in every zone. */
export function shiftDay(day: string, days: number): string {
  const [year, month, date] = parseDay(day);
  const shifted = new Date(Date.UTC(year, month - 1, date + days));
  return `${shifted.getUTCFullYear()}-${two(shifted.getUTCMonth() + 1)}-${two(shifted.getUTCDate())}`;
}

/**
 * The store's business day: its time zone and the hour a day starts at, so a
 * night open until 1 am counts in the day it opened. One setting of the stack
 * (`ConnectionState.businessDay`), the same on every device.
 */
export interface BusinessDayRule {
  zone: string;
  /** 0–23 on the store's clocks. */
  startHour: number;
}

/** `YYYY-MM-DD` of the business day a moment falls in. */
export function businessDay(time: number, rule: BusinessDayRule): string {
  const w = wallClock(time, rule.zone);
  const date = `${w.year}-${two(w.month)}-${two(w.day)}`;
  return w.hour < rule.startHour ? shiftDay(date, -1) : date;
}

/** The first moment of a business day. */
export function businessDayStart(day: string, rule: BusinessDayRule): number {
  return minuteTime(day, rule.startHour * 60, rule.zone);
}

/** The first moment of the next business day. */
export function businessDayEnd(day: string, rule: BusinessDayRule): number {
  return businessDayStart(shiftDay(day, 1), rule);
}

/** Minutes since the business day's start on the store's clocks (0–1439). */
export function businessMinute(time: number, rule: BusinessDayRule): number {
  return (minuteOfDay(time, rule.zone) - rule.startHour * 60 + 1440) % 1440;
}

/** The moment of minute `minute` (0–1439) of a business day. */
export function businessMinuteTime(day: string, minute: number, rule: BusinessDayRule): number {
  const wall = rule.startHour * 60 + minute;
  return wall < 1440 ? minuteTime(day, wall, rule.zone) : minuteTime(shiftDay(day, 1), wall - 1440, rule.zone);
}

/** "HH:MM" on the store's clocks of minute `minute` of a business day. */
export function businessMinuteLabel(minute: number, rule: BusinessDayRule): string {
  return minuteLabel((rule.startHour * 60 + minute) % 1440);
}

/** The hour of the business day (0 at its start hour, 23 at the hour before it). */
export function businessHour(time: number, rule: BusinessDayRule): number {
  return (hourOfDay(time, rule.zone) - rule.startHour + 24) % 24;
}
