// @ts-check
/**
 * Serves the built UI (ui/dist) with `vite preview` on a free port and drives
 * the system's Chromium through playwright-core; no browser is downloaded.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const artifacts = join(root, "artifacts", "browser");

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// No network chatter, no first-run dialogs: the browser only talks to the preview server.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** @returns {Promise<number>} a TCP port nothing listens on right now */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `vite preview` on ui/dist and waits until it answers.
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startPreview() {
  const port = await freePort();
  const vite = join(root, "node_modules", ".bin", "vite");
  const child = spawn(
    vite,
    ["preview", "--config", "ui/vite.config.ts", "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited early:\n${output}`);
    try {
      const response = await fetch(url);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite preview did not answer on ${url}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * A fresh Chromium profile in a temporary folder, removed by `close`.
 * @param {{ width?: number, height?: number }} [viewport]
 * @param {{ locale?: string }} [options] the system's language, as the page reads it
 */
export async function launchBrowser(viewport = {}, options = {}) {
  const profile = await mkdtemp(join(tmpdir(), "kitchen-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: viewport.width ?? 1920, height: viewport.height ?? 1080 },
    acceptDownloads: true,
    ...(options.locale ? { locale: options.locale } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Saves a screenshot of what the window shows under artifacts/browser/.
 * @param {import("playwright-core").Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
}

/** `YYYY-MM-DD` on the local clock. */
export function localDay(date = new Date()) {
  const two = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/** The in-memory backend's business days start at 04:00 on the local clock. */
export const DAY_START_HOUR = 4;

/** The business day (`YYYY-MM-DD`) of a moment, as the app names days: `days` before today's by default 0. */
export function businessDay(days = 0, now = new Date()) {
  const shifted = new Date(now.getTime() - DAY_START_HOUR * 3_600_000);
  shifted.setDate(shifted.getDate() - days);
  return localDay(shifted);
}
