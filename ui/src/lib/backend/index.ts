import { MockBackend } from "./mock";
import { TauriBackend } from "./tauri";
import type { Backend } from "./types";

export type {
  AllDayItem,
  AppInfo,
  Backend,
  BoardColumn,
  BoardOrder,
  BoardView,
  BusinessDaySetting,
  CheckOutcome,
  Claim,
  ConnectionState,
  ConnectionStatus,
  DatabaseProblem,
  DayViewRow,
  DeviceRole,
  DeviceSettings,
  DriverLists,
  ErrorCode,
  Events,
  LateOrder,
  NotificationHealth,
  OrderContents,
  OrderForm,
  OrderLine,
  RepairReport,
  ResourceCheck,
  ShelfOrder,
  TapReceipt,
} from "./types";
export { BackendError, errorField, errorMessage, isDatabaseDamaged } from "./error";
export { MockBackend } from "./mock";
export { TauriBackend } from "./tauri";
export { WatchedBackend } from "./watched";

/** True inside the Tauri webview, which injects `__TAURI_INTERNALS__` before any page script runs. */
export function isTauri(host: object): boolean {
  return "__TAURI_INTERNALS__" in host;
}

/** The IPC backend inside the desktop app, the in-memory one anywhere else. */
export function createBackend(host: object): Backend {
  return isTauri(host) ? new TauriBackend() : new MockBackend();
}
