import { describe, expect, it } from "vitest";
import { groupOrders } from "../orders/orders";
import { ZONE } from "../orders/fixtures";
import { isKitchenStage } from "../orders/stages";
import { dayStart, minuteTime, zonedDay } from "../time/day";
import { errorField, errorMessage } from "./error";
import { DEFAULT_SETTINGS, MockBackend } from "./mock";
import type { DeviceSettings } from "./types";

async function saving(changes: Partial<DeviceSettings>) {
  return new MockBackend().saveSettings({ ...DEFAULT_SETTINGS, ...changes });
}

describe("MockBackend settings", () => {
  it("saves valid settings trimmed, and reads them back", async () => {
    const backend = new MockBackend();
    const saved = await backend.saveSettings({
      ...DEFAULT_SETTINGS,
      deviceName: "  oven-2 ",
      awsRegion: " ",
      endpointUrl: "http://127.0.0.1:4566/",
      role: "manager",
    });
    expect(saved).toMatchObject({ deviceName: "oven-2", awsRegion: null, endpointUrl: "http://127.0.0.1:4566" });
    expect(await backend.getSettings()).toEqual(saved);
  });

  it.each([
    [{ deviceName: " " }, "deviceName"],
    [{ warnAfterMinutes: 0 }, "warnAfterMinutes"],
    [{ lateAfterMinutes: 2.5 }, "lateAfterMinutes"],
    [{ warnAfterMinutes: 30, lateAfterMinutes: 30 }, "warnAfterMinutes"],
    [{ endpointUrl: "localhost:4566" }, "endpointUrl"],
    [{ endpointUrl: "http://" }, "endpointUrl"],
    [{ endpointUrl: "http://10.0.0.5:4566" }, "endpointUrl"],
    [{ endpointUrl: "http://localhost.evil.com" }, "endpointUrl"],
    [{ awsRegion: "Frankfurt" }, "awsRegion"],
    [{ busName: "my bus" }, "busName"],
    [{ deliveryQueueName: "" }, "deliveryQueueName"],
    [{ keepDays: 3 }, "keepDays"],
    [{ keepDays: 100_000 }, "keepDays"],
  ])("refuses %o naming the field %s", async (changes, field) => {
    await expect(saving(changes)).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining(`field \`${field}\``),
    });
  });

  it("keeps the saved settings when new ones are refused", async () => {
    const backend = new MockBackend();
    await expect(backend.saveSettings({ ...DEFAULT_SETTINGS, deviceName: "" })).rejects.toThrow();
    expect(await backend.getSettings()).toEqual(DEFAULT_SETTINGS);
  });
});

describe("MockBackend saveExport", () => {
  it.each(["kitchen-2026-11-26.csv", "Day 12_b.v2.csv", `${"a".repeat(116)}.csv`])(
    "accepts the plain name %s and resolves to it",
    async (name) => {
      await expect(new MockBackend().saveExport(name, "order\r\n")).resolves.toBe(name);
    },
  );

  it.each([
    ["../etc/passwd.csv", "must not start with a dot"],
    ["reports/day.csv", "may hold only"],
    ["/tmp/x.csv", "may hold only"],
    ["a\\b.csv", "may hold only"],
    ["café.csv", "may hold only"],
    [".hidden.csv", "must not start with a dot"],
    [".csv", "must be a name ending in .csv"],
    ["kitchen.exe", "must be a name ending in .csv"],
    ["kitchen.CSV", "must be a name ending in .csv"],
    [`${"a".repeat(117)}.csv`, "is longer than 120 characters"],
  ])("refuses %s as the shell does, naming fileName", async (name, reason) => {
    const error = await new MockBackend().saveExport(name, "").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_input" });
    expect(errorField(error)).toBe("fileName");
    expect(errorMessage(error)).toContain(reason);
  });
});

describe("MockBackend testConnection", () => {
  it("finds everything with the defaults, checking what the device's role uses", async () => {
    const backend = new MockBackend();
    const shared = ["credentials", "bus", "table", "index", "index"];
    const checked = async (role: DeviceSettings["role"]) =>
      (await backend.testConnection({ ...DEFAULT_SETTINGS, role })).map((c) => [c.resource, c.outcome.state]);
    const ok = (resources: string[]) => resources.map((r) => [r, "ok"]);
    expect(await checked("kitchen")).toEqual(ok([...shared, "business day"]));
    expect(await checked("driverStation")).toEqual(ok([...shared, "queue", "business day"]));
    expect(await checked("manager")).toEqual(ok([...shared, "dead letters", "dead letters", "business day"]));
  });

  it("answers missing, forbidden and unreachable on request", async () => {
    const backend = new MockBackend();
    const checks = await backend.testConnection({
      ...DEFAULT_SETTINGS,
      role: "driverStation",
      busName: "missing-bus",
      deliveryQueueName: "forbidden-queue",
    });
    expect(checks.find((c) => c.resource === "bus")?.outcome.state).toBe("missing");
    expect(checks.find((c) => c.resource === "queue")?.outcome.state).toBe("forbidden");
    const offline = await backend.testConnection({ ...DEFAULT_SETTINGS, endpointUrl: "https://unreachable.invalid" });
    expect(offline.every((c) => c.outcome.state === "unreachable")).toBe(true);
  });

  it("checks the settings first", async () => {
    await expect(new MockBackend().testConnection({ ...DEFAULT_SETTINGS, busName: "" })).rejects.toMatchObject({
      code: "invalid_input",
    });
  });
});

describe("MockBackend claims", () => {
  it("keeps one claim per order, with the first claim's time", async () => {
    const backend = new MockBackend();
    const first = await backend.claimOrder("2026-03-14", "42");
    const again = await backend.claimOrder("2026-03-14", "42");
    expect(again).toEqual(first);
    // The same number on another business day is another order.
    const tomorrow = await backend.claimOrder("2026-03-15", "42");
    expect(await backend.listClaims()).toEqual([first, tomorrow]);
    await expect(backend.claimOrder("2026-03-14", " ")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(backend.claimOrder("14/03", "42")).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("MockBackend open orders", () => {
  it("keeps the night's open orders on the board past midnight and stamps taps after what it has seen", async () => {
    const backend = new MockBackend();
    const created = await backend.tapStatus("7", "order done", "Ana", null);
    const ready = await backend.tapStatus("7", "ready", "Ana", created.day);
    expect(ready.day).toBe(created.day);
    expect(Date.parse(ready.time)).toBeGreaterThan(Date.parse(created.time));
    const board = await backend.listBoard();
    expect(board.columns.find((c) => c.stage === "ready")?.orders.map((o) => [o.day, o.order])).toEqual([[created.day, "7"]]);
    const lists = await backend.listDrivers();
    expect(lists.ready.map((o) => [o.day, o.order])).toEqual([[created.day, "7"]]);
    await backend.tapStatus("7", "picked up", "Ana", created.day);
    await backend.tapStatus("7", "delivered", "Ana", created.day);
    expect((await backend.listBoard()).columns.flatMap((c) => c.orders)).toEqual([]);
    expect((await backend.listDrivers()).ready).toEqual([]);
    await expect(backend.tapStatus("7", "ready", "Ana", "1999-01-01")).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("`day`"),
    });
  });
});

describe("MockBackend seedDay", () => {
  const day = "2026-03-14";
  const evening = new Date(minuteTime(day, 21 * 60, ZONE));
  const store = () => new MockBackend({ businessDay: { timeZone: ZONE, dayStartHour: 0, confirmed: true } });

  it("makes the same day every time, within the store's day and not after now", async () => {
    const backend = store();
    const added = backend.seedDay(day, 200, evening);
    const rows = await backend.listDay(day);
    expect(rows).toHaveLength(added);
    expect(rows.every((r) => Date.parse(r.time) <= evening.getTime())).toBe(true);
    expect(rows.every((r) => zonedDay(Date.parse(r.time), ZONE) === day)).toBe(true);
    // Lunch and dinner are on the store's clock: nothing before 11:00 there.
    expect(rows.every((r) => Date.parse(r.time) >= minuteTime(day, 11 * 60, ZONE))).toBe(true);
    const again = store();
    again.seedDay(day, 200, evening);
    expect(await again.listDay(day)).toEqual(rows);
  });

  it("has orders in every state: open, delivered, cancelled, late", async () => {
    const backend = store();
    backend.seedDay(day, 300, evening);
    const orders = groupOrders(await backend.listDay(day));
    expect(orders).toHaveLength(300);
    const current = (status: string) => orders.filter((o) => o.current === status).length;
    expect(current("delivered")).toBeGreaterThan(100);
    expect(current("cancelled")).toBeGreaterThan(0);
    expect(orders.filter((o) => isKitchenStage(o.current)).length).toBeGreaterThanOrEqual(12);
    const slow = orders.filter((o) => (o.times["ready"] ?? 0) - o.createdAt > 25 * 60_000);
    expect(slow.length).toBeGreaterThan(5);
  });

  it("puts the requested number of open orders on the kitchen board", async () => {
    const backend = store();
    backend.seedDay(day, 300, evening, { open: 300 });
    const orders = groupOrders(await backend.listDay(day));
    expect(orders.filter((o) => isKitchenStage(o.current))).toHaveLength(300);
  });

  it("seeds nothing for a day that has not started", () => {
    expect(store().seedDay(day, 10, new Date(dayStart(day, ZONE) - 1))).toBe(0);
  });
});

describe("MockBackend's messages", () => {
  it("are the core's, written from the shapes and limits generated from it", async () => {
    const backend = new MockBackend();
    // The same words as the core's own test (kitchen_domain::error).
    await expect(backend.tapStatus("1", "ready", "x".repeat(201), null)).rejects.toMatchObject({
      field: "client",
      message: "field `client` is too long: 201 characters, at most 200",
    });
    await expect(backend.tapStatus("1", "baking", "Ana", null)).rejects.toMatchObject({
      message: expect.stringMatching(/^field `status`: unknown status "baking" \(expected one of: order done, preparing,/),
    });
    await expect(backend.newOrder("2", "Ana", { lines: ["100x Margherita"] })).rejects.toMatchObject({
      field: "lines.quantity",
      message: "field `lines.quantity` is invalid: line 1: 100 is not from 1 to 99",
    });
    await expect(backend.newOrder("2", "Ana", { lines: [`1x ${"M".repeat(61)}`] })).rejects.toMatchObject({
      message: "field `lines.item` is invalid: line 1: 61 characters, at most 60",
    });
    await expect(backend.newOrder("2", "Ana", { note: "n".repeat(201) })).rejects.toMatchObject({
      message: "field `note` is too long: 201 characters, at most 200",
    });
  });
});
