import { describe, expect, it } from "vitest";
import { zonedDay } from "../time/day";
import { createBackend, MockBackend } from "./index";

describe("createBackend", () => {
  it("uses Tauri IPC inside the desktop webview", () => {
    const webview = { __TAURI_INTERNALS__: {} };
    expect(createBackend(webview).kind).toBe("tauri");
  });

  it("falls back to the in-memory backend in a plain browser", () => {
    expect(createBackend({}).kind).toBe("mock");
  });
});

describe("MockBackend", () => {
  it("answers with the details it was given", async () => {
    const backend = new MockBackend({ dataDir: "/tmp/kitchen" });
    const info = await backend.getAppInfo();
    expect(info.dataDir).toBe("/tmp/kitchen");
    expect(info.name).toBe("Kitchen Dashboard");
  });
});

describe("MockBackend taps", () => {
  it("keeps a tap for its day and tells listeners the day changed", async () => {
    const backend = new MockBackend({ businessDay: { timeZone: "Pacific/Kiritimati", dayStartHour: 0, confirmed: true } });
    const days: string[] = [];
    await backend.on("mirror-updated", (update) => days.push(update.day));
    const receipt = await backend.tapStatus("42", "in the oven", "Ana", null);
    // UTC+14: the store's day, not this machine's, whatever the hour of the test.
    const day = zonedDay(Date.parse(receipt.time), "Pacific/Kiritimati");
    expect(receipt.day).toBe(day);
    expect(days).toEqual([day]);
    const rows = await backend.listDay(day);
    expect(rows.map((r) => [r.order, r.status])).toEqual([["42", "in the oven"]]);
  });

  it("refuses an unknown status with a code the screen can act on", async () => {
    await expect(new MockBackend().tapStatus("42", "baking", "Ana", null)).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("refuses control characters in a name, as the core does", async () => {
    for (const client of ["Ana\nFAKE LINE", "Ana\u001b[31m", "Ana\tB"]) {
      await expect(new MockBackend().tapStatus("42", "order done", client, null)).rejects.toMatchObject({
        code: "invalid_input",
        field: "client",
        message: "field `client` is invalid: contains control characters",
      });
    }
    await expect(new MockBackend().tapStatus("42", "order done", "João 王", null)).resolves.toMatchObject({ order: "42" });
  });
});
