import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { openUrl } from "@tauri-apps/plugin-opener";
import { mapsLink } from "../drivers/maps";
import type { Commands } from "./bindings/commands";
import { toBackendError } from "./error";
import type * as T from "./types";

/** Talks to the Rust shell over Tauri IPC; names and shapes come from the generated bindings. */
export class TauriBackend implements T.Backend {
  readonly kind = "tauri";

  getAppInfo(): Promise<T.AppInfo> {
    return call("get_app_info", {});
  }

  getConnectionState(): Promise<T.ConnectionState> {
    return call("get_connection_state", {});
  }

  tapStatus(order: string, status: string, client: string, day: string | null): Promise<T.TapReceipt> {
    return call("tap_status", { order, status, client, day });
  }

  newOrder(order: string, client: string, form: T.OrderForm): Promise<T.TapReceipt> {
    return call("new_order", { order, client, form });
  }

  listDay(day: string): Promise<T.DayViewRow[]> {
    return call("list_day", { day });
  }

  listBoard(): Promise<T.BoardView> {
    return call("list_board", {});
  }

  listBoardAt(day: string, at: string): Promise<T.BoardView> {
    return call("list_board_at", { day, at });
  }

  listLate(day: string): Promise<T.LateOrder[]> {
    return call("list_late", { day });
  }

  listDrivers(): Promise<T.DriverLists> {
    return call("list_drivers", {});
  }

  getSettings(): Promise<T.DeviceSettings> {
    return call("get_settings", {});
  }

  saveSettings(settings: T.DeviceSettings): Promise<T.DeviceSettings> {
    return call("save_settings", { settings });
  }

  testConnection(settings: T.DeviceSettings): Promise<T.ResourceCheck[]> {
    return call("test_connection", { settings });
  }

  claimOrder(day: string, order: string): Promise<T.Claim> {
    return call("claim_order", { day, order });
  }

  listClaims(): Promise<T.Claim[]> {
    return call("list_claims", {});
  }

  saveExport(fileName: string, contents: string): Promise<string> {
    return call("save_export", { fileName, contents });
  }

  /** Through the opener plugin, which the capabilities allow `geo:` links only. */
  async openInMaps(address: string): Promise<string> {
    const link = mapsLink(address);
    try {
      await openUrl(link);
    } catch (error) {
      throw toBackendError(error);
    }
    return link;
  }

  getDatabaseProblem(): Promise<T.DatabaseProblem | null> {
    return call("get_database_problem", {});
  }

  repairDatabase(): Promise<T.RepairReport> {
    return call("repair_database", {});
  }

  on<E extends keyof T.Events>(event: E, handler: (payload: T.Events[E]) => void): Promise<() => void> {
    return listen<T.Events[E]>(event, (e) => handler(e.payload));
  }
}

async function call<C extends keyof Commands>(command: C, args: Commands[C]["args"]): Promise<Commands[C]["result"]> {
  try {
    return await invoke<Commands[C]["result"]>(command, args);
  } catch (error) {
    throw toBackendError(error);
  }
}
