import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

// Scripts run from the repository root; the UI project lives in ui/.
const uiRoot = fileURLToPath(new URL(".", import.meta.url));

// Set by `tauri dev` when the UI must be reachable from another device.
const devHost = process.env.TAURI_DEV_HOST;

export default defineConfig({
  root: uiRoot,
  plugins: [svelte()],
  // Tauri prints its own output; keep Vite's visible.
  clearScreen: false,
  server: {
    port: 5173,
    // tauri.conf.json's devUrl names this port; a silent fallback would open a blank window.
    strictPort: true,
    host: devHost || false,
    hmr: devHost ? { protocol: "ws", host: devHost, port: 5174 } : undefined,
  },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK on Debian 12 (2.40+) handles ES2021 fine.
    target: "es2021",
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
