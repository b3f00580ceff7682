// Bad calls of every command the shell answers, each with what its refusal
// must name. One table for both sides of the IPC: the desktop test sends them
// to the app (tests/desktop/app.test.mjs), and a unit test to the in-memory
// backend (ui/src/lib/backend/badCalls.test.ts), so the two refuse alike.

/**
 * @param {{ settings: Record<string, unknown>, today: string }} context the
 *   device's saved settings, and today's business day
 * @returns {Record<string, [Record<string, unknown>, RegExp][] | "no arguments">}
 */
export function badCalls({ settings, today }) {
  return {
    get_app_info: "no arguments",
    get_connection_state: "no arguments",
    get_settings: "no arguments",
    list_claims: "no arguments",
    get_database_problem: "no arguments",
    list_board: "no arguments",
    list_drivers: "no arguments",
    tap_status: [
      [{ order: "B-1", status: "ready", client: "Ana", day: "yesterday" }, /day/],
      [{ order: "B-1", status: "ready", client: "Ana", day: "2020-01-01" }, /day/],
      [{ order: "B-1", status: "ready", client: "Ana", day: 20261126 }, /day/],
      [{ order: "", status: "ready", client: "Ana" }, /order/],
      [{ order: "x".repeat(65), status: "ready", client: "Ana" }, /order/],
      [{ order: "B-1", status: "baked", client: "Ana" }, /status/],
      [{ order: "B-1", status: "ready", client: "" }, /client/],
      [{ order: "B-1", status: "ready", client: "x".repeat(201) }, /client/],
      [{ order: 42, status: "ready", client: "Ana" }, /order/],
      [{ status: "ready", client: "Ana" }, /order/],
    ],
    new_order: [
      [{ order: "", client: "Ana", form: {} }, /order/],
      [{ order: "B-9", client: "", form: {} }, /client/],
      [{ order: "B-9", client: "Ana", form: { lines: ["Margherita", "0x Coke"] } }, /lines\.quantity/],
      [{ order: "B-9", client: "Ana", form: { lines: ["2x "] } }, /lines\.item/],
      [{ order: "B-9", client: "Ana", form: { lines: ["Margherita"], phone: "call me" } }, /phone/],
      [{ order: "B-9", client: "Ana", form: { address: "Rua A\u001b[2J" } }, /address/],
      [{ order: "B-9", client: "Ana", form: { lines: "2x Margherita" } }, /form/],
      [{ order: "B-9", client: "Ana" }, /form/],
    ],
    list_day: [
      [{ day: "2026-02-30" }, /day/],
      [{ day: "yesterday" }, /day/],
      [{ day: 20261126 }, /day/],
      [{}, /day/],
    ],
    list_board_at: [
      [{ day: "2026-02-30", at: "2026-02-28T12:00:00Z" }, /day/],
      [{ day: today, at: "half past seven" }, /at/],
      [{ day: today, at: 1764960000000 }, /at/],
      [{ day: today }, /at/],
      [{ at: "2026-02-28T12:00:00Z" }, /day/],
    ],
    list_late: [
      [{ day: "yesterday" }, /day/],
      [{ day: 20261126 }, /day/],
      [{}, /day/],
    ],
    save_settings: [
      [{ settings: { ...settings, deviceName: "" } }, /deviceName/],
      [{ settings: { ...settings, awsRegion: "Europe West" } }, /awsRegion/],
      [{ settings: { ...settings, endpointUrl: "ftp://127.0.0.1" } }, /endpointUrl/],
      [{ settings: { ...settings, endpointUrl: "http://10.1.2.3:4566" } }, /endpointUrl/],
      [{ settings: { ...settings, busName: "bus with spaces" } }, /busName/],
      [{ settings: { ...settings, warnAfterMinutes: 0 } }, /warnAfterMinutes/],
      [{ settings: { ...settings, warnAfterMinutes: 40, lateAfterMinutes: 30 } }, /warnAfterMinutes/],
      [{ settings: { ...settings, keepDays: 1 } }, /keepDays/],
      [{ settings: { ...settings, role: "chef" } }, /settings|role/],
      [{ settings: { ...settings, language: "fr" } }, /settings|language/],
      [{ settings: "all of them" }, /settings/],
      [{}, /settings/],
    ],
    test_connection: [
      [{ settings: { ...settings, awsRegion: "Europe West" } }, /awsRegion/],
      [{ settings: { ...settings, tableName: "" } }, /tableName/],
      [{}, /settings/],
    ],
    claim_order: [
      [{ day: today, order: "" }, /order/],
      [{ day: today, order: "x".repeat(65) }, /order/],
      [{ day: today, order: ["E2E-1"] }, /order/],
      [{ order: "E2E-1" }, /day/],
      [{ day: "14/03", order: "E2E-1" }, /day/],
    ],
    save_export: [
      [{ fileName: "../outside.csv", contents: "a" }, /fileName/],
      [{ fileName: ".hidden.csv", contents: "a" }, /fileName/],
      [{ fileName: "day.sh", contents: "a" }, /fileName/],
      [{ fileName: "day.csv" }, /contents/],
    ],
    // The database is sound: a repair is refused and sets nothing aside.
    repair_database: [[{}, /not damaged/]],
  };
}
