import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../backend/mock";
import { checkLine, fromForm, settingsField, toForm } from "./form";

describe("the settings form", () => {
  it("round-trips settings, blank optional fields meaning unset", () => {
    const form = toForm({ ...DEFAULT_SETTINGS, awsProfile: "kitchen" });
    expect(form.awsProfile).toBe("kitchen");
    expect(form.awsRegion).toBe("");
    expect(form.warnAfterMinutes).toBe("15");
    expect(fromForm({ ...form, awsProfile: "  " })).toEqual({ settings: { ...DEFAULT_SETTINGS, awsProfile: null } });
  });

  it("names a threshold that is not a whole number", () => {
    expect(fromForm({ ...toForm(DEFAULT_SETTINGS), lateAfterMinutes: "2.5" })).toEqual({
      field: "lateAfterMinutes",
      message: "Enter a whole number of minutes",
    });
    expect(fromForm({ ...toForm(DEFAULT_SETTINGS), warnAfterMinutes: "" })).toMatchObject({ field: "warnAfterMinutes" });
  });

  it("names days to keep that are not a whole number", () => {
    expect(toForm(DEFAULT_SETTINGS).keepDays).toBe("90");
    expect(fromForm({ ...toForm(DEFAULT_SETTINGS), keepDays: "ninety" })).toEqual({
      field: "keepDays",
      message: "Enter a whole number of days",
    });
    expect(fromForm({ ...toForm(DEFAULT_SETTINGS), keepDays: " 30 " })).toEqual({
      settings: { ...DEFAULT_SETTINGS, keepDays: 30 },
    });
  });

  it("finds the field an error names, in either spelling", () => {
    expect(settingsField("busName")).toBe("busName");
    expect(settingsField("warn_after_minutes")).toBe("warnAfterMinutes");
    expect(settingsField("status")).toBeNull();
    expect(settingsField(null)).toBeNull();
  });
});

describe("checkLine", () => {
  it("says ok, or what is wrong with the cloud's own words", () => {
    expect(checkLine({ resource: "bus", name: "pizzaria", outcome: { state: "ok" } })).toEqual({
      ok: true,
      verdict: "OK",
      detail: null,
    });
    expect(
      checkLine({ resource: "queue", name: "q", outcome: { state: "forbidden", message: "AccessDenied" } }),
    ).toEqual({ ok: false, verdict: "Forbidden: no permission", detail: "AccessDenied" });
    expect(checkLine({ resource: "table", name: "t", outcome: { state: "unreachable", message: "timeout" } }).verdict).toBe(
      "Unreachable",
    );
    // Reachable, but events wait in a dead-letter queue: not a tick.
    const parked = { state: "waiting", message: "2 events the store function could not write wait here" } as const;
    expect(checkLine({ resource: "dead letters", name: "q-dlq", outcome: parked })).toEqual({
      ok: false,
      verdict: "Events waiting",
      detail: parked.message,
    });
  });
});
