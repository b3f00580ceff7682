import { BackendError } from "./error";
import type { AppInfo, Backend, ConnectionState, DayViewRow, Events, TapReceipt } from "./types";

const SAMPLE_APP_INFO: AppInfo = {
  name: "Kitchen Dashboard",
  version: "0.0.0-preview",
  dataDir: "(browser preview: nothing is stored)",
};

/** The statuses the core accepts (kitchen_domain::Status). */
const STATUSES = [
  "order done",
  "preparing",
  "in the oven",
  "left the oven",
  "packing for delivery",
  "ready",
  "picked up",
  "delivered",
  "cancelled",
];

type Handlers = { [E in keyof Events]: Set<(payload: Events[E]) => void> };

/** In-memory stand-in for the shell, so every screen runs in a plain browser and in tests. */
export class MockBackend implements Backend {
  readonly kind = "mock";
  #appInfo: AppInfo;
  #connection: ConnectionState = {
    status: { state: "online" },
    unpublished: 0,
    rejected: 0,
    lastSync: new Date().toISOString(),
    lastPoll: null,
  };
  #rows: DayViewRow[] = [];
  #seq = 0;
  #handlers: Handlers = { "connection-changed": new Set(), "mirror-updated": new Set() };

  constructor(appInfo: Partial<AppInfo> = {}) {
    this.#appInfo = { ...SAMPLE_APP_INFO, ...appInfo };
  }

  async getAppInfo(): Promise<AppInfo> {
    // A copy, so a screen that edits the result cannot change what the next caller sees.
    return { ...this.#appInfo };
  }

  async getConnectionState(): Promise<ConnectionState> {
    return structuredClone(this.#connection);
  }

  async tapStatus(order: string, status: string, client: string): Promise<TapReceipt> {
    if (!STATUSES.includes(status)) {
      throw new BackendError({ code: "invalid_input", message: `field \`status\`: unknown status "${status}"` });
    }
    if (order.trim() === "") throw new BackendError({ code: "invalid_input", message: "field `order` is empty" });
    if (client.trim() === "") throw new BackendError({ code: "invalid_input", message: "field `client` is empty" });
    this.#seq += 1;
    const time = new Date().toISOString();
    const eventId = `mock-${this.#seq}`;
    // Newest event of each (order, status) wins, as in the core's day view.
    this.#rows = this.#rows.filter((r) => !(r.order === order && r.status === status));
    this.#rows.push({
      order,
      status,
      client,
      time,
      eventId,
      device: "browser",
      timeEventId: `${time}#${eventId}`,
      source: { source: "local", state: "published" },
    });
    this.#emit("mirror-updated", { day: time.slice(0, 10) });
    return { eventId, order, status, client, device: "browser", seq: this.#seq, time };
  }

  async listDay(day: string): Promise<DayViewRow[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      throw new BackendError({ code: "invalid_input", message: `field \`day\`: expected YYYY-MM-DD, got "${day}"` });
    }
    return this.#rows.filter((r) => r.time.startsWith(day)).map((r) => structuredClone(r));
  }

  async on<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void> {
    const handlers = this.#handlers[event] as Set<(payload: Events[E]) => void>;
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  /** For previews and tests: sets the connection state and tells the listeners. */
  setConnection(state: Partial<ConnectionState>): void {
    this.#connection = { ...this.#connection, ...state };
    this.#emit("connection-changed", structuredClone(this.#connection));
  }

  #emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const handler of this.#handlers[event] as Set<(payload: Events[E]) => void>) handler(payload);
  }
}
