import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Commands } from "./bindings/commands";
import { toBackendError } from "./error";
import type {
  AppInfo,
  Backend,
  Claim,
  ConnectionState,
  DatabaseProblem,
  DayViewRow,
  DeviceSettings,
  DriverLists,
  Events,
  RepairReport,
  ResourceCheck,
  TapReceipt,
} from "./types";

/** Talks to the Rust shell over Tauri IPC; names and shapes come from the generated bindings. */
export class TauriBackend implements Backend {
  readonly kind = "tauri";

  getAppInfo(): Promise<AppInfo> {
    return call("get_app_info", {});
  }

  getConnectionState(): Promise<ConnectionState> {
    return call("get_connection_state", {});
  }

  tapStatus(order: string, status: string, client: string, day: string | null): Promise<TapReceipt> {
    return call("tap_status", { order, status, client, day });
  }

  listDay(day: string): Promise<DayViewRow[]> {
    return call("list_day", { day });
  }

  listOpen(): Promise<DayViewRow[]> {
    return call("list_open", {});
  }

  listDrivers(): Promise<DriverLists> {
    return call("list_drivers", {});
  }

  getSettings(): Promise<DeviceSettings> {
    return call("get_settings", {});
  }

  saveSettings(settings: DeviceSettings): Promise<DeviceSettings> {
    return call("save_settings", { settings });
  }

  testConnection(settings: DeviceSettings): Promise<ResourceCheck[]> {
    return call("test_connection", { settings });
  }

  claimOrder(day: string, order: string): Promise<Claim> {
    return call("claim_order", { day, order });
  }

  listClaims(): Promise<Claim[]> {
    return call("list_claims", {});
  }

  saveExport(fileName: string, contents: string): Promise<string> {
    return call("save_export", { fileName, contents });
  }

  getDatabaseProblem(): Promise<DatabaseProblem | null> {
    return call("get_database_problem", {});
  }

  repairDatabase(): Promise<RepairReport> {
    return call("repair_database", {});
  }

  on<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void> {
    return listen<Events[E]>(event, (e) => handler(e.payload));
  }
}

async function call<C extends keyof Commands>(command: C, args: Commands[C]["args"]): Promise<Commands[C]["result"]> {
  try {
    return await invoke<Commands[C]["result"]>(command, args);
  } catch (error) {
    throw toBackendError(error);
  }
}
