import { isDatabaseDamaged, type BackendError } from "./error";
import type * as T from "./types";

/**
 * A backend that tells its listeners when any command is refused because the
 * device's database is damaged, so the app can switch to the repair screen
 * wherever the refusal happened. The rejection still reaches the caller.
 */
export class WatchedBackend implements T.Backend {
  readonly #inner: T.Backend;
  readonly #listeners = new Set<(error: BackendError) => void>();

  constructor(inner: T.Backend) {
    this.#inner = inner;
  }

  get kind(): T.Backend["kind"] {
    return this.#inner.kind;
  }

  /** Calls `listener` with each "database_damaged" rejection; returns the function that stops it. */
  onDatabaseDamaged(listener: (error: BackendError) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  getAppInfo(): Promise<T.AppInfo> {
    return this.#watch(() => this.#inner.getAppInfo());
  }

  getConnectionState(): Promise<T.ConnectionState> {
    return this.#watch(() => this.#inner.getConnectionState());
  }

  tapStatus(order: string, status: string, client: string, day: string | null): Promise<T.TapReceipt> {
    return this.#watch(() => this.#inner.tapStatus(order, status, client, day));
  }

  newOrder(order: string, client: string, form: T.OrderForm): Promise<T.TapReceipt> {
    return this.#watch(() => this.#inner.newOrder(order, client, form));
  }

  listDay(day: string): Promise<T.DayViewRow[]> {
    return this.#watch(() => this.#inner.listDay(day));
  }

  listBoard(): Promise<T.BoardView> {
    return this.#watch(() => this.#inner.listBoard());
  }

  listBoardAt(day: string, at: string): Promise<T.BoardView> {
    return this.#watch(() => this.#inner.listBoardAt(day, at));
  }

  listLate(day: string): Promise<T.LateOrder[]> {
    return this.#watch(() => this.#inner.listLate(day));
  }

  listDrivers(): Promise<T.DriverLists> {
    return this.#watch(() => this.#inner.listDrivers());
  }

  getSettings(): Promise<T.DeviceSettings> {
    return this.#watch(() => this.#inner.getSettings());
  }

  saveSettings(settings: T.DeviceSettings): Promise<T.DeviceSettings> {
    return this.#watch(() => this.#inner.saveSettings(settings));
  }

  testConnection(settings: T.DeviceSettings): Promise<T.ResourceCheck[]> {
    return this.#watch(() => this.#inner.testConnection(settings));
  }

  claimOrder(day: string, order: string): Promise<T.Claim> {
    return this.#watch(() => this.#inner.claimOrder(day, order));
  }

  listClaims(): Promise<T.Claim[]> {
    return this.#watch(() => this.#inner.listClaims());
  }

  saveExport(fileName: string, contents: string): Promise<string> {
    return this.#watch(() => this.#inner.saveExport(fileName, contents));
  }

  openInMaps(address: string): Promise<string> {
    return this.#watch(() => this.#inner.openInMaps(address));
  }

  getDatabaseProblem(): Promise<T.DatabaseProblem | null> {
    return this.#watch(() => this.#inner.getDatabaseProblem());
  }

  repairDatabase(): Promise<T.RepairReport> {
    return this.#watch(() => this.#inner.repairDatabase());
  }

  on<E extends keyof T.Events>(event: E, handler: (payload: T.Events[E]) => void): Promise<() => void> {
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
