import { isDatabaseDamaged, type BackendError } from "./error";
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

/**
 * A backend that tells its listeners when any command is refused because the
 * device's database is damaged, so the app can switch to the repair screen
 * wherever the refusal happened. The rejection still reaches the caller.
 */
export class WatchedBackend implements Backend {
  readonly #inner: Backend;
  readonly #listeners = new Set<(error: BackendError) => void>();

  constructor(inner: Backend) {
    this.#inner = inner;
  }

  get kind(): Backend["kind"] {
    return this.#inner.kind;
  }

  /** Calls `listener` with each "database_damaged" rejection; returns the function that stops it. */
  onDatabaseDamaged(listener: (error: BackendError) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  getAppInfo(): Promise<AppInfo> {
    return this.#watch(() => this.#inner.getAppInfo());
  }

  getConnectionState(): Promise<ConnectionState> {
    return this.#watch(() => this.#inner.getConnectionState());
  }

  tapStatus(order: string, status: string, client: string, day: string | null): Promise<TapReceipt> {
    return this.#watch(() => this.#inner.tapStatus(order, status, client, day));
  }

  listDay(day: string): Promise<DayViewRow[]> {
    return this.#watch(() => this.#inner.listDay(day));
  }

  listOpen(): Promise<DayViewRow[]> {
    return this.#watch(() => this.#inner.listOpen());
  }

  listDrivers(): Promise<DriverLists> {
    return this.#watch(() => this.#inner.listDrivers());
  }

  getSettings(): Promise<DeviceSettings> {
    return this.#watch(() => this.#inner.getSettings());
  }

  saveSettings(settings: DeviceSettings): Promise<DeviceSettings> {
    return this.#watch(() => this.#inner.saveSettings(settings));
  }

  testConnection(settings: DeviceSettings): Promise<ResourceCheck[]> {
    return this.#watch(() => this.#inner.testConnection(settings));
  }

  claimOrder(day: string, order: string): Promise<Claim> {
    return this.#watch(() => this.#inner.claimOrder(day, order));
  }

  listClaims(): Promise<Claim[]> {
    return this.#watch(() => this.#inner.listClaims());
  }

  saveExport(fileName: string, contents: string): Promise<string> {
    return this.#watch(() => this.#inner.saveExport(fileName, contents));
  }

  getDatabaseProblem(): Promise<DatabaseProblem | null> {
    return this.#watch(() => this.#inner.getDatabaseProblem());
  }

  repairDatabase(): Promise<RepairReport> {
    return this.#watch(() => this.#inner.repairDatabase());
  }

  on<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void> {
    return this.#inner.on(event, handler);
  }

  async #watch<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (isDatabaseDamaged(error)) {
        for (const listener of this.#listeners) {
          try {
            listener(error);
          } catch (failure) {
            console.error("a listener of database damage failed", failure);
          }
        }
      }
      throw error;
    }
  }
}
