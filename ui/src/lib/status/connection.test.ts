import { describe, expect, it } from "vitest";
import type { ConnectionState } from "../backend";
import { clockTime, summarize } from "./connection";

function state(overrides: Partial<ConnectionState> = {}): ConnectionState {
  return {
    status: { state: "online" },
    unpublished: 0,
    rejected: 0,
    lastSync: null,
    lastCheck: null,
    clockOffsetMs: null,
    businessDay: { timeZone: "UTC", dayStartHour: 4, confirmed: true },
    lastPoll: null,
    notifications: { state: "off" },
    deadLetters: null,
    ...overrides,
  };
}

describe("summarize", () => {
  it("says how many events wait in the dead-letter queues, and nothing when none do", () => {
    expect(summarize(state(), "UTC").deadLetters).toBeNull();
    expect(summarize(state({ deadLetters: 0 }), "UTC").deadLetters).toBeNull();
    expect(summarize(state({ deadLetters: 1 }), "UTC").deadLetters).toBe(
      "1 event in the dead-letter queues: kitchen cloud redrive",
    );
    expect(summarize(state({ deadLetters: 3 }), "UTC").deadLetters).toMatch(/^3 events in the dead-letter queues/);
  });

  it("warns of a clock more than 30 s off the cloud's, and of a business day not confirmed", () => {
    expect(summarize(state({ clockOffsetMs: 20_000 }), "UTC").clock).toBeNull();
    expect(summarize(state({ clockOffsetMs: 180_000 }), "UTC").clock).toBe("This device's clock is 3 min fast");
    expect(summarize(state({ clockOffsetMs: -45_000 }), "UTC").clock).toBe("This device's clock is 45 s slow");
    expect(summarize(state(), "UTC").businessDay).toBeNull();
    const unconfirmed = state({ businessDay: { timeZone: "UTC", dayStartHour: 4, confirmed: false } });
    expect(summarize(unconfirmed, "UTC").businessDay).toMatch(/not confirmed/);
    expect(summarize(state({ lastCheck: "2026-03-14T12:03:04Z" }), "UTC").lastCheck).toBe("checked 12:03:04");
  });

  it("says online with everything published", () => {
    const summary = summarize(state(), "UTC");
    expect(summary.tone).toBe("online");
    expect(summary.label).toBe("Online");
    expect(summary.unpublished).toBe("All taps published");
    expect(summary.rejected).toBeNull();
    expect(summary.reason).toBeNull();
  });

  it("counts taps not yet published, in the singular and the plural", () => {
    expect(summarize(state({ unpublished: 1 }), "UTC").unpublished).toBe("1 tap not yet published");
    expect(summarize(state({ unpublished: 12 }), "UTC").unpublished).toBe("12 taps not yet published");
    expect(summarize(state({ rejected: 2 }), "UTC").rejected).toBe("2 taps refused by the cloud");
  });

  it("says offline and degraded with the reason", () => {
    const offline = summarize(
      state({ status: { state: "offline", reason: "connection refused" }, unpublished: 3 }),
      "UTC",
    );
    expect([offline.tone, offline.label, offline.reason]).toEqual(["offline", "Offline", "connection refused"]);
    const degraded = summarize(state({ status: { state: "degraded", reason: "ThrottlingException" } }), "UTC");
    expect([degraded.label, degraded.reason]).toEqual(["Degraded", "ThrottlingException"]);
    expect(summarize(state({ status: { state: "connecting" } }), "UTC").label).toBe("Connecting…");
  });

  it("shows the last sync as HH:MM:SS on the store's clock", () => {
    const lastSync = "2026-03-14T09:05:07.500Z";
    expect(summarize(state({ lastSync }), "UTC").lastSync).toBe("last sync 09:05:07");
    expect(summarize(state({ lastSync }), "Asia/Tokyo").lastSync).toBe("last sync 18:05:07");
    expect(summarize(state(), "UTC").lastSync).toBe("not synced yet");
    expect(clockTime("not a time", "UTC")).toBe("unknown");
  });
});
