import { describe, expect, it } from "vitest";
import type { ConnectionState } from "../backend";
import { clockTime, summarize } from "./connection";

function state(overrides: Partial<ConnectionState> = {}): ConnectionState {
  return {
    status: { state: "online" },
    unpublished: 0,
    rejected: 0,
    lastSync: null,
    lastPoll: null,
    notifications: { state: "off" },
    ...overrides,
  };
}

describe("summarize", () => {
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
