import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AppInfo, Backend } from "./types";

/** Talks to the Rust shell over Tauri IPC. */
export class TauriBackend implements Backend {
  readonly kind = "tauri";

  getAppInfo(): Promise<AppInfo> {
    return call<AppInfo>("get_app_info");
  }
}

// Commands reject with a bare string; screens expect an Error with a message.
async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (error instanceof Error) throw error;
    throw new Error(typeof error === "string" ? error : JSON.stringify(error));
  }
}
