import { describe, expect, it } from "vitest";
import {
  businessDay,
  businessDayEnd,
  businessDayStart,
  businessHour,
  businessMinute,
  businessMinuteLabel,
  businessMinuteTime,
  clockMinute,
  clockSecond,
  dayEnd,
  dayStart,
  hourFloor,
  hourOfDay,
  isKnownZone,
  minuteLabel,
  minuteOfDay,
  minuteTime,
  shiftDay,
  zonedDay,
  zoneOffset,
} from "./day";

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

describe("the day a moment belongs to", () => {
  it("is decided in the store's zone, not this machine's", () => {
    const lateEvening = utc("2026-03-14T23:30:00Z");
    expect(zonedDay(lateEvening, "UTC")).toBe("2026-03-14");
    expect(zonedDay(lateEvening, "Asia/Tokyo")).toBe("2026-03-15");
    expect(zonedDay(lateEvening, "America/New_York")).toBe("2026-03-14");
    expect(zonedDay(utc("2026-03-15T03:30:00Z"), "America/New_York")).toBe("2026-03-14");
  });

  it("starts and ends at the zone's midnight", () => {
    expect(dayStart("2026-03-15", "Asia/Tokyo")).toBe(utc("2026-03-14T15:00:00Z"));
    expect(dayEnd("2026-03-15", "Asia/Tokyo")).toBe(utc("2026-03-15T15:00:00Z"));
    expect(dayStart("2026-07-01", "Europe/Lisbon")).toBe(utc("2026-06-30T23:00:00Z"));
    expect(dayStart("2026-01-01", "Asia/Kolkata")).toBe(utc("2025-12-31T18:30:00Z"));
  });

  it("has 23 hours when the clocks go forward and 25 when they go back", () => {
    expect(dayEnd("2026-03-29", "Europe/Lisbon") - dayStart("2026-03-29", "Europe/Lisbon")).toBe(23 * HOUR);
    expect(dayEnd("2026-10-25", "Europe/Lisbon") - dayStart("2026-10-25", "Europe/Lisbon")).toBe(25 * HOUR);
    expect(dayEnd("2026-03-29", "UTC") - dayStart("2026-03-29", "UTC")).toBe(24 * HOUR);
  });

  it("knows the zones this browser can use", () => {
    expect(isKnownZone("Europe/Lisbon")).toBe(true);
    expect(isKnownZone("Mars/Olympus_Mons")).toBe(false);
  });
});

describe("minutes of the day in a zone with summer time", () => {
  const zone = "Europe/Lisbon";

  it("reads the minute on the zone's clock, winter and summer", () => {
    expect(minuteOfDay(utc("2026-01-10T12:30:59Z"), zone)).toBe(12 * 60 + 30);
    expect(minuteOfDay(utc("2026-07-10T12:30:00Z"), zone)).toBe(13 * 60 + 30);
    expect(hourOfDay(utc("2026-07-10T22:59:00Z"), zone)).toBe(23);
    expect(clockMinute(utc("2026-07-10T08:05:00Z"), zone)).toBe("09:05");
    expect(clockSecond(utc("2026-07-10T08:05:07Z"), zone)).toBe("09:05:07");
    expect(zoneOffset(utc("2026-07-10T08:05:07.250Z"), zone)).toBe(HOUR);
  });

  it("turns a minute back into the moment, across the change of the clocks", () => {
    // 29 March 2026: at 01:00 UTC the clocks jump from 01:00 to 02:00.
    expect(minuteTime("2026-03-29", 0, zone)).toBe(utc("2026-03-29T00:00:00Z"));
    expect(minuteTime("2026-03-29", 12 * 60, zone)).toBe(utc("2026-03-29T11:00:00Z"));
    expect(minuteOfDay(minuteTime("2026-03-29", 19 * 60 + 30, zone), zone)).toBe(19 * 60 + 30);
  });

  it("puts a skipped minute after the jump, and a repeated one at its first time", () => {
    expect(minuteTime("2026-03-29", 60 + 30, zone)).toBe(utc("2026-03-29T01:30:00Z"));
    expect(clockMinute(minuteTime("2026-03-29", 60 + 30, zone), zone)).toBe("02:30");
    // 25 October 2026: 01:00–02:00 happens twice; the first is still summer time.
    expect(minuteTime("2026-10-25", 60 + 30, zone)).toBe(utc("2026-10-25T00:30:00Z"));
    expect(minuteTime("2026-10-25", 2 * 60, zone)).toBe(utc("2026-10-25T02:00:00Z"));
  });

  it("counts whole hours of the zone's clock, also half an hour off UTC", () => {
    expect(hourFloor(utc("2026-07-10T08:45:10.5Z"), zone)).toBe(utc("2026-07-10T08:00:00Z"));
    expect(hourFloor(utc("2026-07-10T08:45:00Z"), "Asia/Kolkata")).toBe(utc("2026-07-10T08:30:00Z"));
    expect(clockMinute(hourFloor(utc("2026-07-10T08:15:00Z"), "Asia/Kolkata"), "Asia/Kolkata")).toBe("13:00");
  });
});

describe("labels and calendar steps", () => {
  it("writes minutes of the day as HH:MM", () => {
    expect(minuteLabel(0)).toBe("00:00");
    expect(minuteLabel(750)).toBe("12:30");
    expect(minuteLabel(1439)).toBe("23:59");
  });

  it("steps across months, years and changes of the clocks", () => {
    expect(shiftDay("2026-03-01", -1)).toBe("2026-02-28");
    expect(shiftDay("2026-12-31", 1)).toBe("2027-01-01");
    expect(shiftDay("2026-03-28", 1)).toBe("2026-03-29");
    expect(shiftDay("2026-03-29", 1)).toBe("2026-03-30");
  });
});

describe("the business day", () => {
  const saoPaulo = { zone: "America/Sao_Paulo", startHour: 4 };

  it("counts the night in the day it opened", () => {
    // 23:50 and 00:10 in São Paulo (UTC−3) are the same business day.
    expect(businessDay(utc("2026-12-03T02:50:00Z"), saoPaulo)).toBe("2026-12-02");
    expect(businessDay(utc("2026-12-03T03:10:00Z"), saoPaulo)).toBe("2026-12-02");
    expect(businessDay(utc("2026-12-03T07:00:00Z"), saoPaulo)).toBe("2026-12-03");
  });

  it("starts at the start hour and its minutes and hours count from there", () => {
    expect(new Date(businessDayStart("2026-12-02", saoPaulo)).toISOString()).toBe("2026-12-02T07:00:00.000Z");
    expect(new Date(businessDayEnd("2026-12-02", saoPaulo)).toISOString()).toBe("2026-12-03T07:00:00.000Z");
    const tenPast = utc("2026-12-03T03:10:00Z");
    expect(businessMinute(tenPast, saoPaulo)).toBe(20 * 60 + 10);
    expect(businessMinuteTime("2026-12-02", 20 * 60 + 10, saoPaulo)).toBe(tenPast);
    expect(businessMinuteLabel(20 * 60 + 10, saoPaulo)).toBe("00:10");
    expect(businessHour(tenPast, saoPaulo)).toBe(20);
  });
});
