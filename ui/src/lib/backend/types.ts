import type { AppInfo } from "./bindings/AppInfo";
import type { BoardView } from "./bindings/BoardView";
import type { Claim } from "./bindings/Claim";
import type { ConnectionState } from "./bindings/ConnectionState";
import type { DatabaseProblem } from "./bindings/DatabaseProblem";
import type { DayViewRow } from "./bindings/DayViewRow";
import type { DeviceSettings } from "./bindings/DeviceSettings";
import type { DriverLists } from "./bindings/DriverLists";
import type { Events } from "./bindings/events";
import type { LateOrder } from "./bindings/LateOrder";
import type { OrderForm } from "./bindings/OrderForm";
import type { RepairReport } from "./bindings/RepairReport";
import type { ResourceCheck } from "./bindings/ResourceCheck";
import type { TapReceipt } from "./bindings/TapReceipt";

// The shapes are generated from the Rust types (src-tauri/src/bindings.rs); never written here.
export type { AllDayItem } from "./bindings/AllDayItem";
export type { AppInfo } from "./bindings/AppInfo";
export type { BoardColumn } from "./bindings/BoardColumn";
export type { BoardOrder } from "./bindings/BoardOrder";
export type { BoardView } from "./bindings/BoardView";
export type { BusinessDaySetting } from "./bindings/BusinessDaySetting";
export type { CheckOutcome } from "./bindings/CheckOutcome";
export type { Claim } from "./bindings/Claim";
export type { ConnectionState } from "./bindings/ConnectionState";
export type { ConnectionStatus } from "./bindings/ConnectionStatus";
export type { DatabaseProblem } from "./bindings/DatabaseProblem";
export type { DayViewRow } from "./bindings/DayViewRow";
export type { DeviceRole } from "./bindings/DeviceRole";
export type { DeviceSettings } from "./bindings/DeviceSettings";
export type { DriverLists } from "./bindings/DriverLists";
export type { ErrorCode } from "./bindings/ErrorCode";
export type { Events } from "./bindings/events";
export type { LateOrder } from "./bindings/LateOrder";
export type { NotificationHealth } from "./bindings/NotificationHealth";
export type { OrderContents } from "./bindings/OrderContents";
export type { OrderForm } from "./bindings/OrderForm";
export type { OrderLine } from "./bindings/OrderLine";
export type { RepairReport } from "./bindings/RepairReport";
export type { ResourceCheck } from "./bindings/ResourceCheck";
export type { ShelfOrder } from "./bindings/ShelfOrder";
export type { TapReceipt } from "./bindings/TapReceipt";

/** Everything the screens may ask of the desktop shell; one implementation per runtime. */
export interface Backend {
  /** "mock" when running in a plain browser, so screens can say their data is not real. */
  readonly kind: "tauri" | "mock";
  getAppInfo(): Promise<AppInfo>;
  getConnectionState(): Promise<ConnectionState>;
  /**
   * Durable when it resolves; rejects with a `BackendError` ("invalid_input" names the field).
   * `day` is the order's business day (a card's); `null` for a new order.
   */
  tapStatus(order: string, status: string, client: string, day: string | null): Promise<TapReceipt>;
  /** A new order of today with what it is (its lines as typed, notes, where it goes). */
  newOrder(order: string, client: string, form: OrderForm): Promise<TapReceipt>;
  /** A business day (`YYYY-MM-DD`): the mirror of the event table merged with this device's taps. */
  listDay(day: string): Promise<DayViewRow[]>;
  /**
   * The kitchen board, worked out by the core: every open order of the last 24
   * hours, whatever its business day, in its stage's column; and the "all day" count.
   */
  listBoard(): Promise<BoardView>;
  /** The board of business day `day` as it stood at `at` (an ISO time): the manager's replay. */
  listBoardAt(day: string, at: string): Promise<BoardView>;
  /** The late orders of business day `day`, longest first, by this device's "late" threshold. */
  listLate(day: string): Promise<LateOrder[]>;
  /** The drivers' lists (ready on the shelf, on the road), worked out by the core. */
  listDrivers(): Promise<DriverLists>;
  getSettings(): Promise<DeviceSettings>;
  /** Validates, saves and restarts the cloud loops; resolves to the settings as saved (trimmed). */
  saveSettings(settings: DeviceSettings): Promise<DeviceSettings>;
  /** Checks each cloud resource the given (unsaved) settings name; one line per resource. */
  testConnection(settings: DeviceSettings): Promise<ResourceCheck[]>;
  /** A driver station takes the order of a business day; the claim stays on this station, it is not a status event. */
  claimOrder(day: string, order: string): Promise<Claim>;
  listClaims(): Promise<Claim[]>;
  /**
   * Hands a file to the person: the desktop app saves it in the Downloads
   * folder, never over another file, and resolves to the path written; a name
   * that is not a plain `something.csv` rejects with "invalid_input" naming `fileName`.
   */
  saveExport(fileName: string, contents: string): Promise<string>;
  /** Opens an address in the desktop's maps handler (a `geo:` link); resolves to the link opened. */
  openInMaps(address: string): Promise<string>;
  /**
   * Non-null when the device's database file is damaged. Until it is repaired,
   * every command that needs it (taps first) rejects with "database_damaged".
   */
  getDatabaseProblem(): Promise<DatabaseProblem | null>;
  /**
   * Renames the damaged file aside (never deletes it), carries its unpublished
   * taps and settings into a new database, restarts the cloud loops and
   * rebuilds the mirror from the cloud; resolves to what it did.
   */
  repairDatabase(): Promise<RepairReport>;
  /** Calls `handler` with each payload of `event`; resolves to the function that stops it. */
  on<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void>;
}
