import type { Backend, DayViewRow, TapReceipt } from "../backend";
import { applyReceipt, reconcile, type PendingTap } from "./orders";

/**
 * Rows of orders kept current: read from the backend at start, again on each
 * "mirror-updated" that concerns them, and with this screen's taps shown at once.
 */
export class RowFeed {
  /** Raw, not deeply reactive: a view can hold thousands of rows and is replaced whole. */
  rows = $state.raw<DayViewRow[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);

  #read: () => Promise<DayViewRow[]>;
  #concerns: (day: string) => boolean;
  #backend: Backend;
  #pending: PendingTap[] = [];
  #reloads = 0;
  #loading = false;
  #again = false;
  #stopped = false;

  /**
   * `read` fetches the rows; `concerns` says whether a change to a business
   * day's rows is one this feed shows.
   */
  constructor(backend: Backend, read: () => Promise<DayViewRow[]>, concerns: (day: string) => boolean) {
    this.#backend = backend;
    this.#read = read;
    this.#concerns = concerns;
  }

  /** Follows the rows until the returned function is called. */
  start(): () => void {
    let unlisten: (() => void) | undefined;
    this.#backend
      .on("mirror-updated", (update) => {
        if (this.#concerns(update.day)) void this.refresh();
      })
      .then((stop) => {
        if (this.#stopped) stop();
        else unlisten = stop;
      })
      .catch((error: unknown) => console.error("cannot follow the orders' updates", error));
    void this.refresh();
    return () => {
      this.#stopped = true;
      unlisten?.();
    };
  }

  /** Reads again; calls made while a read runs are folded into one more read. */
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
        const rows = await this.#read();
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

  /** Shows a durable tap at once; the next read reconciles it with the view. */
  applyTap(receipt: TapReceipt): void {
    if (!this.#concerns(receipt.day)) return;
    this.#pending.push({ receipt, seenFrom: this.#reloads + 1 });
    this.rows = applyReceipt(this.rows, receipt);
    void this.refresh();
  }
}

/** One business day's rows: the manager's day. */
export function dayFeed(backend: Backend, day: string): RowFeed {
  return new RowFeed(backend, () => backend.listDay(day), (changed) => changed === day);
}

/** Every open order of the last 24 hours, whatever its business day: the kitchen board. */
export function openFeed(backend: Backend): RowFeed {
  return new RowFeed(backend, () => backend.listOpen(), () => true);
}
