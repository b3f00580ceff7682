// The real desktop app, driven through tauri-driver and WebKitWebDriver, against a
// local cloud started here: an order created and tapped to ready in the kitchen,
// taken by the drivers (with a desktop notification on the session bus), delivered,
// and its whole timeline on the manager's screen; then the cloud stops answering
// mid-shift, the status bar says so, and everything goes out when it is back.
//
// Run by tests/desktop/run.sh, which provides Xvfb and a private D-Bus session.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

const root = resolve(import.meta.dirname, "../..");
const app = join(root, "target/debug/kitchen-desktop");
const kitchenCli = join(root, "target/debug/kitchen");
const tauriDriver = process.env.TAURI_DRIVER ?? join(root, ".tools/bin/tauri-driver");
const artifacts = join(root, "artifacts/desktop");
const work = mkdtempSync(join(tmpdir(), "kitchen-desktop-e2e-"));
mkdirSync(artifacts, { recursive: true });

/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
/** @type {Record<string, string>} */
let env = {};
let driverUrl = "";
let session = "";
let motoPid = 0;

/** @returns {Promise<number>} */
function freePort() {
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

/** A WebDriver call; fails with the driver's own message. */
async function wd(method, path, body) {
  const response = await fetch(`${driverUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

/** The id of an element reference, whichever key the driver uses for it. */
function id(reference) {
  const value = reference["element-6066-11e4-a52e-4f735466cecc"] ?? reference.ELEMENT ?? Object.values(reference)[0];
  assert.ok(typeof value === "string", `an element reference: ${JSON.stringify(reference)}`);
  return value;
}

/** Runs `script` in the page; elements it returns come back as WebDriver references. */
function run(script, ...args) {
  return wd("POST", `/session/${session}/execute/sync`, { script, args });
}

/** Waits until `check` returns something truthy; fails with `what` and the page's text. */
async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) {
      await screenshot(`failed-${what.replace(/\W+/g, "-")}`);
      const text = await run("return document.body.innerText").catch(() => "(no page)");
      throw new Error(`timed out waiting for ${what}; the page says:\n${text}`);
    }
    await sleep(200);
  }
}

/** The first element matching `css` whose text includes `text` (any, when empty). */
function element(css, text = "") {
  return run(
    `const [css, text] = arguments;
     return [...document.querySelectorAll(css)].find((e) => e.textContent.includes(text)) ?? null;`,
    css,
    text,
  );
}

async function click(css, text = "") {
  // The status bar is fixed at the bottom: bring the target to the middle first,
  // and try again while a re-render moves it.
  await until(`${css} "${text}" clicked`, async () => {
    const found = await element(css, text);
    if (!found) return false;
    await run("arguments[0].scrollIntoView({ block: 'center' })", found);
    await wd("POST", `/session/${session}/element/${id(found)}/click`, {});
    return true;
  });
}

async function type(css, text) {
  const found = await until(css, () => element(css));
  await wd("POST", `/session/${session}/element/${id(found)}/clear`, {});
  await wd("POST", `/session/${session}/element/${id(found)}/value`, { text });
}

function bodyText() {
  return run("return document.body.innerText");
}

function statusBar() {
  // Lower case: the bar shows the state in capitals through CSS, which innerText applies.
  return run("return (document.querySelector('footer[role=status]')?.innerText ?? '').toLowerCase()");
}

async function screenshot(name) {
  const png = await wd("GET", `/session/${session}/screenshot`);
  writeFileSync(join(artifacts, `${name}.png`), Buffer.from(png, "base64"));
}

/** The Notify calls the test notification daemon recorded. */
function notifications() {
  const out = execFileSync("gdbus", [
    "call", "--session", "--dest", "org.freedesktop.Notifications",
    "--object-path", "/org/freedesktop/Notifications",
    "--method", "org.freedesktop.DBus.Mock.GetCalls",
  ]).toString();
  return out.split("'Notify', [").slice(1);
}

function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], ...options });
  children.push(child);
  return child;
}

before(async () => {
  const daemon = start("/usr/bin/python3", ["-m", "dbusmock", "--template", "notification_daemon"]);
  assert.ok(daemon.pid, "dbusmock starts");
  const cloudPort = await freePort();
  env = {
    ...process.env,
    KITCHEN_CLOUD_DIR: join(work, "cloud"),
    KITCHEN_DATA_DIR: join(work, "device"),
    KITCHEN_DEVICE: "desktop-e2e",
    KITCHEN_ROLE: "driver-station",
    WEBKIT_DISABLE_DMABUF_RENDERER: "1",
  };
  const endpoint = execFileSync(kitchenCli, ["cloud", "up", "--port", String(cloudPort)], { env })
    .toString()
    .trim();
  env.AWS_ENDPOINT_URL = endpoint;
  motoPid = JSON.parse(readFileSync(join(work, "cloud", "local-cloud.json"), "utf8")).moto_pid;
  assert.ok(motoPid > 0, "the local cloud's pid is known");

  const port = await freePort();
  const nativePort = await freePort();
  driverUrl = `http://127.0.0.1:${port}`;
  start(tauriDriver, ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"], { env });
  await until("tauri-driver", async () => (await fetch(`${driverUrl}/status`)).ok, 20_000);
  const created = await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: app } } },
  });
  session = created.sessionId;
  await until("the app's first screen", async () => (await statusBar()).includes("online"), 60_000);
});

after(async () => {
  if (session) await wd("DELETE", `/session/${session}`).catch(() => {});
  if (motoPid) {
    try {
      process.kill(motoPid, "SIGCONT");
    } catch {}
  }
  try {
    execFileSync(kitchenCli, ["cloud", "down"], { env, stdio: "inherit" });
  } catch {}
  for (const child of children) child.kill("SIGTERM");
});

const ORDER = "E2E-1";

test("an order goes from the kitchen to the drivers and to the manager's timeline", async () => {
  await click('nav[aria-label="Screens"] button', "Kitchen");
  await type("form.new-order label:nth-of-type(1) input", ORDER);
  await type("form.new-order label:nth-of-type(2) input", "Ana Desktop");
  await click("form.new-order button", "Add order");
  await until("the new card", () => element(`.column[data-stage="order-done"] [data-order="${ORDER}"]`));
  await screenshot("kitchen");

  const stages = ["Preparing", "In the oven", "Left the oven", "Packing for delivery", "Ready"];
  for (const label of stages) {
    await click(`.board .card[data-order="${ORDER}"] button`, `→ ${label}`);
    const stage = label.toLowerCase().replaceAll(" ", "-");
    await until(`the card in ${label}`, () => element(`.column[data-stage="${stage}"] [data-order="${ORDER}"]`));
  }

  await click('nav[aria-label="Screens"] button', "Drivers");
  await until("the ready order on the drivers' screen", () => element(`.row.ready[data-order="${ORDER}"]`), 60_000);
  // This device is a driver station: the queue hands it the ready order.
  const shown = await until("a desktop notification", async () => notifications().find((n) => n.includes(`Order ${ORDER} is ready`)), 60_000);
  assert.match(shown, /Ana Desktop/);
  await screenshot("drivers");
  await click(`.row.ready[data-order="${ORDER}"] button`, "Claim");
  await until("claimed", () => element(`.row.ready[data-order="${ORDER}"]`, "Claimed here"));
  await click(`.row.ready[data-order="${ORDER}"] button`, "Picked up");
  await until("on the road", () => element(`.row.road[data-order="${ORDER}"]`));
  await click(`.row.road[data-order="${ORDER}"] button`, "Delivered");
  await until("delivered and gone", async () => !(await element(`[data-order="${ORDER}"]`)));
  assert.equal(notifications().filter((n) => n.includes(`Order ${ORDER} is ready`)).length, 1, "one notification");

  await click('nav[aria-label="Screens"] button', "Manager");
  const stagesOnTimeline = await until("the full timeline", async () => {
    const titles = await run(
      `return [...document.querySelectorAll('.gantt .row[data-order="${ORDER}"] rect title')].map((t) => t.textContent)`,
    );
    return titles.length >= 7 ? titles : null;
  }, 60_000);
  assert.ok(stagesOnTimeline.some((t) => /picked up/i.test(t)), stagesOnTimeline.join(" | "));
  await screenshot("manager");

  await click('nav[aria-label="Screens"] button', "Settings");
  await until("the settings form", () => element("button", "Test connection"));
  await click("button", "Test connection");
  await until("every resource checked", async () => (await bodyText()).includes("waiting-delivery"));
  await screenshot("settings");
});

test("the cloud stopping mid-shift shows offline and the unpublished taps, then recovers", async () => {
  await click('nav[aria-label="Screens"] button', "Kitchen");
  process.kill(motoPid, "SIGSTOP");
  await until("offline", async () => (await statusBar()).includes("offline"), 60_000);
  await type("form.new-order label:nth-of-type(1) input", "E2E-2");
  await type("form.new-order label:nth-of-type(2) input", "Bruno Offline");
  await click("form.new-order button", "Add order");
  await until("the card shown at once", () => element('.column[data-stage="order-done"] [data-order="E2E-2"]'));
  await until("one tap waiting", async () => (await statusBar()).includes("1 tap not yet published"));
  await screenshot("offline");

  process.kill(motoPid, "SIGCONT");
  await until("online with everything published", async () => {
    const text = await statusBar();
    return text.includes("online") && text.includes("all taps published");
  }, 90_000);
});
