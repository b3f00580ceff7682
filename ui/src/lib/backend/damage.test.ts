import { describe, expect, it, vi } from "vitest";
import { zonedDay } from "../time/day";
import { BackendError, isDatabaseDamaged } from "./error";
import { MOCK_DATABASE_PATH, MockBackend, setAsidePath } from "./mock";
import { WatchedBackend } from "./watched";

describe("MockBackend with a damaged database", () => {
  it("has no problem until it is damaged", async () => {
    const backend = new MockBackend();
    expect(await backend.getDatabaseProblem()).toBeNull();
    backend.damageDatabase({ path: "/data/kitchen.sqlite3", detail: "file is not a database" });
    expect(await backend.getDatabaseProblem()).toEqual({ path: "/data/kitchen.sqlite3", detail: "file is not a database" });
  });

  it("refuses taps and every read of the database with database_damaged, naming the file", async () => {
    const backend = new MockBackend();
    backend.damageDatabase();
    const refusals = [
      backend.tapStatus("42", "preparing", "Ana", null),
      backend.listDay("2026-11-26"),
      backend.getSettings(),
      backend.saveSettings(await new MockBackend().getSettings()),
      backend.claimOrder("2026-03-14", "42"),
      backend.listClaims(),
    ];
    for (const refusal of refusals) {
      const error: unknown = await refusal.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isDatabaseDamaged(error)).toBe(true);
      expect((error as Error).message).toContain(MOCK_DATABASE_PATH);
    }
    // What does not need the database still answers.
    expect((await backend.getConnectionState()).status.state).toBe("online");
    expect((await backend.getAppInfo()).name).toBe("Kitchen Dashboard");
  });

  it("repairs: keeps the earlier taps and settings and reports what it did", async () => {
    const zone = "Europe/Lisbon";
    const backend = new MockBackend({ businessDay: { timeZone: zone, dayStartHour: 0, confirmed: true } });
    const receipt = await backend.tapStatus("77", "order done", "Ana", null);
    const day = receipt.day;
    expect(day).toBe(zonedDay(Date.parse(receipt.time), zone));
    backend.seedDay(day, 5, new Date());
    backend.setConnection({ unpublished: 3 });
    backend.damageDatabase();

    const report = await backend.repairDatabase();
    expect(report.setAside).toMatch(/\/kitchen\.damaged-\d{8}T\d{6}\.\d{3}Z\.sqlite3$/);
    expect(report.setAside.startsWith("/home/kitchen/.local/share/com.pizzeria.kitchen-dashboard/")).toBe(true);
    expect(report).toMatchObject({ tapsCarried: 3, unreadable: null, mirrorError: null, daysRebuilt: [day] });
    expect(await backend.getDatabaseProblem()).toBeNull();
    const rows = await backend.listDay(day);
    expect(rows.some((r) => r.order === "77")).toBe(true);
    expect((await backend.getSettings()).deviceName).toBe("browser-preview");
  });

  it("reports the mirror as not rebuilt while the cloud does not answer", async () => {
    const backend = new MockBackend();
    backend.setConnection({ status: { state: "offline", reason: "no network" } });
    backend.damageDatabase();
    const report = await backend.repairDatabase();
    expect(report.daysRebuilt).toEqual([]);
    expect(report.mirrorError).toContain("no network");
  });

  it("fails a repair once when asked to, and stays damaged", async () => {
    const backend = new MockBackend();
    backend.damageDatabase({ repairFails: "cannot move the file aside: permission denied" });
    await expect(backend.repairDatabase()).rejects.toMatchObject({
      code: "internal",
      message: "cannot move the file aside: permission denied",
    });
    expect(await backend.getDatabaseProblem()).not.toBeNull();
    await expect(backend.repairDatabase()).resolves.toMatchObject({ tapsCarried: 0 });
  });

  it("refuses to repair a database that is not damaged", async () => {
    await expect(new MockBackend().repairDatabase()).rejects.toMatchObject({ code: "internal" });
  });
});

describe("setAsidePath", () => {
  it("names the file after the UTC time, next to the damaged one", () => {
    expect(setAsidePath("/data/kitchen.sqlite3", new Date("2026-11-26T10:15:00.123Z"))).toBe(
      "/data/kitchen.damaged-20261126T101500.123Z.sqlite3",
    );
  });
});

describe("WatchedBackend", () => {
  it("tells its listeners of a database_damaged rejection and still rejects", async () => {
    const mock = new MockBackend();
    const backend = new WatchedBackend(mock);
    const heard = vi.fn();
    const stop = backend.onDatabaseDamaged(heard);
    mock.damageDatabase();
    await expect(backend.tapStatus("42", "preparing", "Ana", null)).rejects.toMatchObject({ code: "database_damaged" });
    expect(heard).toHaveBeenCalledTimes(1);
    expect(heard.mock.calls[0][0]).toBeInstanceOf(BackendError);
    stop();
    await expect(backend.listDay("2026-11-26")).rejects.toMatchObject({ code: "database_damaged" });
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it("stays quiet for other errors and passes answers through", async () => {
    const mock = new MockBackend();
    const backend = new WatchedBackend(mock);
    const heard = vi.fn();
    backend.onDatabaseDamaged(heard);
    await expect(backend.tapStatus("42", "baking", "Ana", null)).rejects.toMatchObject({ code: "invalid_input" });
    expect(heard).not.toHaveBeenCalled();
    expect(backend.kind).toBe("mock");
    expect((await backend.tapStatus("42", "preparing", "Ana", null)).order).toBe("42");
  });
});
