import { untrack } from "svelte";
import type { Backend, BoardView, DayViewRow, LateOrder, TapReceipt } from "../backend";
import { KITCHEN_STAGES } from "./stages";

/**
 * A view the core works out (a day's rows, the board, the late orders), kept
 * current: read at start, again on each "mirror-updated" that concerns it, and
 * again after each of this screen's taps, which the core's views hold as soon
 * as the tap is durable.
 */
export class ViewFeed<T> {
  /** Raw, not deeply reactive: a view can hold thousands of rows and is replaced whole. */
  value: T = $state.raw() as T;
  loaded = $state(false);
  error = $state<string | null>(null);

  #read: () => Promise<T>;
  #concerns: (day: string) => boolean;
  #backend: Backend;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  /**
   * `read` fetches the view; `concerns` says whether a change to a business
   * day's rows is one this view shows; `empty` is shown until the first read.
   */
  constructor(backend: Backend, read: () => Promise<T>, concerns: (day: string) => boolean, empty: T) {
    this.#backend = backend;
    this.#read = read;
    this.#concerns = concerns;
    this.value = empty;
  }

  /** Follows the view until the returned function is called. */
  start(): () => void {
    this.#stopped = false;
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
    // The first read belongs to no effect: what it reads must not restart the feed.
    void untrack(() => this.refresh());
    return () => {
      this.#stopped = true;
      unlisten?.();
    };
  }

  /**
   * Reads again; resolves once the view shown is one read after the call.
   * Calls made while a read runs are folded into one more read, and the read
   * they overtook is not shown: it may predate a tap just made.
   */
  refresh(): Promise<void> {
    if (this.#running !== null) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#readUntilCurrent().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #readUntilCurrent(): Promise<void> {
    try {
      do {
        this.#again = false;
        const value = await this.#read();
        if (this.#stopped) return;
        if (this.#again) continue;
        this.value = value;
        this.loaded = true;
        this.error = null;
      } while (this.#again && !this.#stopped);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** After a durable tap of this screen: the core's view has it, read it again. */
  afterTap(receipt: TapReceipt): Promise<void> {
    return this.#concerns(receipt.day) ? this.refresh() : Promise.resolve();
  }
}

/** One business day's rows: the manager's day. */
export function dayFeed(backend: Backend, day: string): ViewFeed<DayViewRow[]> {
  return new ViewFeed(backend, () => backend.listDay(day), (changed) => changed === day, []);
}

/** The kitchen board, with every open order of the last 24 hours, whatever its business day. */
export function boardFeed(backend: Backend): ViewFeed<BoardView> {
  return new ViewFeed(backend, () => backend.listBoard(), () => true, EMPTY_BOARD);
}

/** The late orders of one business day. */
export function lateFeed(backend: Backend, day: string): ViewFeed<LateOrder[]> {
  return new ViewFeed(backend, () => backend.listLate(day), (changed) => changed === day, []);
}

/** The board before its first read: the six columns, empty. */
export const EMPTY_BOARD: BoardView = {
  columns: KITCHEN_STAGES.map((stage) => ({ stage, orders: [] })),
  allDay: [],
};
