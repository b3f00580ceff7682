// The app under tauri-driver: start a driver, open the app in a session, and
// speak WebDriver to it. Shared by the desktop tests and the footprint benchmark.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A TCP port on 127.0.0.1 nobody listens on now. @returns {Promise<number>} */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** A WebDriver call; fails with the driver's own message, or after `timeoutMs` without an answer. */
export async function webdriver(
  /** @type {string} */ url,
  /** @type {string} */ method,
  /** @type {string} */ path,
  /** @type {unknown} */ body,
  timeoutMs = 60_000,
) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

/**
 * Starts `tauriDriver` (with WebKitWebDriver) whose app process gets `env`, and
 * opens `app` in a new session. `startedAt` is taken just before the app is asked
 * for, so launch times can be measured from it.
 */
export async function openApp(/** @type {{ tauriDriver: string; app: string; env: Record<string, string | undefined> }} */ options) {
  const port = await freePort();
  const nativePort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const driver = spawn(
    options.tauriDriver,
    ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"],
    { stdio: ["ignore", "inherit", "inherit"], env: options.env },
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${url}/status`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline || driver.exitCode !== null) {
      driver.kill("SIGTERM");
      throw new Error(`tauri-driver did not start (${options.tauriDriver})`);
    }
    await sleep(100);
  }
  const startedAt = performance.now();
  const created = await webdriver(url, "POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: options.app } } },
  });
  return { driver, url, session: /** @type {string} */ (created.sessionId), startedAt };
}

/** Every process below `pid` (WebKitWebDriver, the app, WebKit's processes). */
export function descendants(/** @type {number} */ pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${all[i]}/task`)) {
        const children = readFileSync(`/proc/${all[i]}/task/${task}/children`, "utf8").trim();
        if (children) all.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return all.slice(1);
}

/** The pid of the running `app` binary that `opened`'s driver started, if any. */
export function appPid(/** @type {Awaited<ReturnType<typeof openApp>>} */ opened, /** @type {string} */ app) {
  const exe = (/** @type {number} */ pid) => {
    try {
      return readlinkSync(`/proc/${pid}/exe`);
    } catch {
      return "";
    }
  };
  return opened.driver.pid === undefined ? undefined : descendants(opened.driver.pid).find((pid) => exe(pid) === app);
}

function alive(/** @type {number} */ pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Closes the app's session and stops its driver, then stops by pid whatever the
 * driver started and left running (an app whose session did not close would
 * otherwise hold the test's output open).
 */
export async function closeApp(/** @type {Awaited<ReturnType<typeof openApp>>} */ opened) {
  const started = opened.driver.pid === undefined ? [] : descendants(opened.driver.pid);
  await webdriver(opened.url, "DELETE", `/session/${opened.session}`, undefined, 15_000).catch(() => {});
  opened.driver.kill("SIGTERM");
  if (opened.driver.exitCode === null) await new Promise((done) => opened.driver.once("exit", done));
  for (const signal of /** @type {const} */ (["SIGTERM", "SIGKILL"])) {
    const left = started.filter(alive);
    if (left.length === 0) return;
    for (const pid of left) {
      try {
        process.kill(pid, signal);
      } catch {
        // Ended between the check and the signal.
      }
    }
    for (let i = 0; i < 50 && started.some(alive); i++) await sleep(100);
  }
}
