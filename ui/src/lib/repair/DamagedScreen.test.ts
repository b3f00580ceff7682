import { render } from "svelte/server";
import { describe, expect, it } from "vitest";
import { MockBackend } from "../backend";
import DamagedScreen from "./DamagedScreen.svelte";

describe("DamagedScreen", () => {
  it("names the file and SQLite's detail, says taps are refused and nothing deleted, and offers the repair", () => {
    const { body } = render(DamagedScreen, {
      props: {
        backend: new MockBackend(),
        problem: { path: "/data/kitchen.sqlite3", detail: "database disk image is malformed" },
        onContinue: () => {},
      },
    });
    expect(body).toContain("This device's database is damaged");
    expect(body).toContain("/data/kitchen.sqlite3");
    expect(body).toContain("database disk image is malformed");
    expect(body).toContain("New taps are refused until it is repaired");
    expect(body).toContain("Nothing has been deleted.");
    expect(body).toContain("Set the damaged file aside and rebuild from the cloud");
  });

  it("says so when the shell did not name the file", () => {
    const { body } = render(DamagedScreen, {
      props: { backend: new MockBackend(), problem: { path: null, detail: "damaged" }, onContinue: () => {} },
    });
    expect(body).toContain("(the shell did not name it)");
  });
});
