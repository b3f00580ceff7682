import { COMMAND_ARGS, type Commands } from "./bindings/commands";
import { BackendError } from "./error";
import type { Backend, DeviceSettings, OrderForm } from "./types";

type Command = keyof Commands;

function isCommand(name: string): name is Command {
  return Object.prototype.hasOwnProperty.call(COMMAND_ARGS, name);
}

/**
 * An argument as the shell takes it: a string, a string or nothing
 * (`string | null`), or an object (the settings). Anything else is refused
 * naming the argument, as the shell's IPC refuses a call it cannot read.
 */
function checkArgument(command: string, name: string, type: string, value: unknown): void {
  const refuse = (what: string) =>
    new BackendError({
      code: "invalid_input",
      field: name,
      message: `invalid args \`${name}\` for command \`${command}\`: ${what}`,
    });
  if (value === undefined || value === null) {
    if (type.endsWith("| null")) return;
    throw refuse(`missing, expected ${type}`);
  }
  if (type === "string" || type === "string | null") {
    if (typeof value !== "string") throw refuse(`invalid type: ${typeof value}, expected a string`);
    return;
  }
  if (typeof value !== "object" || Array.isArray(value)) throw refuse(`invalid type: ${typeof value}, expected ${type}`);
}

/**
 * Calls `backend` by command name with the arguments as the UI sends them
 * over IPC (`Commands`), checking them first as the shell does: so one table
 * of calls (tests/bad-calls.mjs) can be run against any backend.
 */
export async function dispatch(backend: Backend, command: string, args: Record<string, unknown>): Promise<unknown> {
  if (!isCommand(command)) throw new BackendError({ code: "internal", message: `no command \`${command}\`` });
  for (const [name, type] of Object.entries(COMMAND_ARGS[command])) {
    checkArgument(command, name, type, args[name]);
  }
  const text = (name: string) => args[name] as string;
  switch (command) {
    case "get_app_info":
      return backend.getAppInfo();
    case "get_connection_state":
      return backend.getConnectionState();
    case "tap_status":
      return backend.tapStatus(text("order"), text("status"), text("client"), (args.day as string | null) ?? null);
    case "new_order":
      return backend.newOrder(text("order"), text("client"), args.form as OrderForm);
    case "list_day":
      return backend.listDay(text("day"));
    case "list_board":
      return backend.listBoard();
    case "list_board_at":
      return backend.listBoardAt(text("day"), text("at"));
    case "list_late":
      return backend.listLate(text("day"));
    case "list_drivers":
      return backend.listDrivers();
    case "get_settings":
      return backend.getSettings();
    case "save_settings":
      return backend.saveSettings(args.settings as DeviceSettings);
    case "test_connection":
      return backend.testConnection(args.settings as DeviceSettings);
    case "claim_order":
      return backend.claimOrder(text("day"), text("order"));
    case "list_claims":
      return backend.listClaims();
    case "save_export":
      return backend.saveExport(text("fileName"), text("contents"));
    case "get_database_problem":
      return backend.getDatabaseProblem();
    case "repair_database":
      return backend.repairDatabase();
  }
}
