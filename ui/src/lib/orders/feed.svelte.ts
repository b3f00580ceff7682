import type { Backend, DayViewRow, TapReceipt } from "../backend";
import { zonedDay } from "../time/day";
import { applyReceipt, reconcile, type PendingTap } from "./orders";

/**
 * One day's rows, kept current: read from the backend at start, again on each
 * "mirror-updated" for the day, and with this screen's taps shown at once.
 */
export class DayFeed {
  /** Raw, not deeply reactive: a day can hold thousands of rows and is replaced whole. */
  rows = $state.raw<DayViewRow[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);

  readonly day: string;
  /** The store's zone, which decides the day a tap belongs to. */
  readonly zone: string;
  #backend: Backend;
  #pending: PendingTap[] = [];
  #reloads = 0;
  #loading = false;
  #again = false;
  #stopped = false;

  constructor(backend: Backend, day: string, zone: string) {
    this.#backend = backend;
    this.day = day;
    this.zone = zone;
  }

  /** Follows the day until the returned function is called. */
  start(): () => void {
    let unlisten: (() => void) | undefined;
    this.#backend
      .on("mirror-updated", (update) => {
        if (update.day === this.day) void this.refresh();
      })
      .then((stop) => {
        if (this.#stopped) stop();
        else unlisten = stop;
      })
      .catch((error: unknown) => console.error("cannot follow the day's updates", error));
    void this.refresh();
    return () => {
      this.#stopped = true;
      unlisten?.();
    };
  }

  /** Reads the day again; calls made while a read runs are folded into one more read. */
  async refresh(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return;
    }
    this.#loading = true;
    try {
      do {
        this.#again = false;
        const reload = ++this.#reloads;
        const rows = await this.#backend.listDay(this.day);
        if (this.#stopped) return;
        const merged = reconcile(rows, this.#pending, reload);
        this.#pending = merged.pending;
        this.rows = merged.rows;
        this.loaded = true;
        this.error = null;
      } while (this.#again && !this.#stopped);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#loading = false;
    }
  }

  /** Shows a durable tap at once; the next read reconciles it with the day view. */
  applyTap(receipt: TapReceipt): void {
    if (zonedDay(Date.parse(receipt.time), this.zone) !== this.day) return;
    this.#pending.push({ receipt, seenFrom: this.#reloads + 1 });
    this.rows = applyReceipt(this.rows, receipt);
    void this.refresh();
  }
}
