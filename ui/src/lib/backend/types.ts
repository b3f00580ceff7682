/** What the shell reports about this installation (Rust: `commands::app_info::AppInfo`). */
export interface AppInfo {
  name: string;
  version: string;
  /** Folder where this device keeps its database and logs. */
  dataDir: string;
}

/** Everything the screens may ask of the desktop shell; one implementation per runtime. */
export interface Backend {
  /** "mock" when running in a plain browser, so screens can say their data is not real. */
  readonly kind: "tauri" | "mock";
  getAppInfo(): Promise<AppInfo>;
}
