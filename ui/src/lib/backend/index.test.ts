import { describe, expect, it } from "vitest";
import { createBackend, MockBackend } from "./index";

describe("createBackend", () => {
  it("uses Tauri IPC inside the desktop webview", () => {
    const webview = { __TAURI_INTERNALS__: {} };
    expect(createBackend(webview).kind).toBe("tauri");
  });

  it("falls back to the in-memory backend in a plain browser", () => {
    expect(createBackend({}).kind).toBe("mock");
  });
});

describe("MockBackend", () => {
  it("answers with the details it was given", async () => {
    const backend = new MockBackend({ dataDir: "/tmp/kitchen" });
    const info = await backend.getAppInfo();
    expect(info.dataDir).toBe("/tmp/kitchen");
    expect(info.name).toBe("Kitchen Dashboard");
  });
});
