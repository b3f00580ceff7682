import type { AppInfo, Backend } from "./types";

const SAMPLE_APP_INFO: AppInfo = {
  name: "Kitchen Dashboard",
  version: "0.0.0-preview",
  dataDir: "(browser preview: nothing is stored)",
};

/** In-memory stand-in for the shell, so every screen runs in a plain browser and in tests. */
export class MockBackend implements Backend {
  readonly kind = "mock";
  #appInfo: AppInfo;

  constructor(appInfo: Partial<AppInfo> = {}) {
    this.#appInfo = { ...SAMPLE_APP_INFO, ...appInfo };
  }

  async getAppInfo(): Promise<AppInfo> {
    // A copy, so a screen that edits the result cannot change what the next caller sees.
    return { ...this.#appInfo };
  }
}
