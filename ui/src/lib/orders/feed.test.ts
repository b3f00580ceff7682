import { describe, expect, it } from "vitest";
import { MockBackend } from "../backend";
import { boardFeed, ViewFeed } from "./feed.svelte";

/** A read the test answers when it likes. */
function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

describe("a view kept current", () => {
  it("shows a tap's order once the tap is durable, with no read of its own", async () => {
    const backend = new MockBackend();
    const feed = boardFeed(backend);
    await feed.refresh();
    const receipt = await backend.tapStatus("7", "order done", "Ana", null);
    await feed.afterTap(receipt);
    expect(feed.value.columns[0].orders.map((o) => o.order)).toEqual(["7"]);
  });

  it("never shows a read that a tap overtook: the card does not jump back", async () => {
    const backend = new MockBackend();
    const reads: ReturnType<typeof gate<string>>[] = [];
    const feed = new ViewFeed(
      backend,
      () => {
        const read = gate<string>();
        reads.push(read);
        return read.promise;
      },
      () => true,
      "nothing yet",
    );
    const first = feed.refresh();
    // A tap lands while the first read runs: its answer may predate the tap.
    const afterTap = feed.refresh();
    reads[0].open("before the tap");
    await Promise.resolve();
    await Promise.resolve();
    expect(feed.value).toBe("nothing yet");
    expect(reads).toHaveLength(2);
    reads[1].open("with the tap");
    await Promise.all([first, afterTap]);
    expect(feed.value).toBe("with the tap");
    expect(feed.loaded).toBe(true);
  });

  it("says why a read failed and keeps what it showed", async () => {
    const backend = new MockBackend();
    let fail = false;
    const feed = new ViewFeed(
      backend,
      async () => {
        if (fail) throw new Error("the database is busy");
        return ["row"];
      },
      () => true,
      [] as string[],
    );
    await feed.refresh();
    fail = true;
    await feed.refresh();
    expect(feed.error).toBe("the database is busy");
    expect(feed.value).toEqual(["row"]);
  });
});
