// The real desktop app, driven through tauri-driver and WebKitWebDriver, against a
// local cloud started here: an order created and tapped to ready in the kitchen,
// taken by the drivers (with a desktop notification on the session bus), delivered,
// and its whole timeline on the manager's screen; then the cloud stops answering
// mid-shift, the status bar says so, and everything goes out when it is back.
// The window is drawn on the CPU, with no GL driver loaded into the app.
// Every command the UI can call is called with bad arguments through the app's
// own IPC: each is refused with an error naming the argument, and nothing stored
// changes. A second device starts on a damaged database: it refuses taps, keeps
// the file, and the repair button brings it back with its unpublished taps.
//
// Run by tests/desktop/run.sh, which provides Xvfb and a private D-Bus session.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { badCalls } from "../bad-calls.mjs";
import { appPid, closeApp, freePort, openApp, webdriver } from "./webdriver.mjs";

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
/** The app the first tests drive. @type {Awaited<ReturnType<typeof openApp>> | undefined} */
let firstApp;

/** A WebDriver call to the app the helpers drive now. */
function wd(method, path, body, timeoutMs = 60_000) {
  return webdriver(driverUrl, method, path, body, timeoutMs);
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

/**
 * Saves what the window shows under artifacts/desktop. Screenshots are evidence
 * for people, not checks: when WebKitWebDriver cannot take one, the whole X
 * display is saved instead, and the test goes on.
 */
async function screenshot(name) {
  const file = join(artifacts, `${name}.png`);
  try {
    const png = await wd("GET", `/session/${session}/screenshot`, undefined, 15_000);
    writeFileSync(file, Buffer.from(png, "base64"));
  } catch (error) {
    console.warn(`WebKitWebDriver took no screenshot (${error}); saving the X display instead`);
    try {
      // The window opens at the top left of the display, at its configured 1280×800.
      execFileSync("import", ["-window", "root", "-crop", "1280x800+0+0", "+repage", file]);
    } catch (fallback) {
      console.warn(`no screenshot of the display either: ${fallback}`);
    }
  }
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

/** Opens the app with `appEnv` and makes it the one the helpers drive. */
async function openAppWith(appEnv) {
  const opened = await openApp({ tauriDriver, app, env: appEnv });
  children.push(opened.driver);
  ({ url: driverUrl, session } = opened);
  return opened;
}

/** Calls a command through the app's own IPC, as the screens do: `{ ok, value }` or `{ ok: false, error }`. */
function invoke(/** @type {string} */ command, /** @type {unknown} */ args) {
  return wd("POST", `/session/${session}/execute/async`, {
    script: `const [command, args, done] = arguments;
      window.__TAURI_INTERNALS__.invoke(command, args).then(
        (value) => done({ ok: true, value }),
        (error) => done({ ok: false, error }));`,
    args: [command, args],
  });
}

before(async () => {
  const daemon = start("/usr/bin/python3", ["-m", "dbusmock", "--template", "notification_daemon"]);
  assert.ok(daemon.pid, "dbusmock starts");
  const cloudPort = await freePort();
  // A home of its own, so the Downloads folder the app saves into is the test's.
  mkdirSync(join(work, "home", "Downloads"), { recursive: true });
  // The desktop's link handler, as the opener plugin finds it on Linux: it
  // writes down what it was asked to open, where a maps application would open it.
  mkdirSync(join(work, "bin"), { recursive: true });
  writeFileSync(join(work, "bin", "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${opened}"\n`, { mode: 0o755 });
  env = {
    ...process.env,
    PATH: `${join(work, "bin")}:${process.env.PATH}`,
    HOME: join(work, "home"),
    XDG_CONFIG_HOME: join(work, "home", ".config"),
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

  firstApp = await openAppWith(env);
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
/** What the desktop's link handler was asked to open, one link a line. */
const opened = join(work, "opened-links.txt");
const openedLinks = () => (existsSync(opened) ? readFileSync(opened, "utf8") : "");

test("an order goes from the kitchen to the drivers and to the manager's timeline", async () => {
  await click('nav[aria-label="Screens"] button', "Kitchen");
  await type("form.new-order label:nth-of-type(1) input", ORDER);
  await type("form.new-order label:nth-of-type(2) input", "Ana Desktop");
  // What it is and where it goes, typed at the counter.
  await click("form.new-order button", "+ Items");
  // WebDriver's Enter key (U+E007) starts the next line.
  await type('form.new-order textarea[name="lines"]', "2x Margherita (large) + olives\uE0071x Guaraná 2L");
  await type('form.new-order input[name="note"]', "cut in 8");
  await type('form.new-order input[name="address"]', "Rua Augusta, 1200");
  await type('form.new-order input[name="phone"]', "+55 11 91234-5678");
  await click("form.new-order button", "Add order");
  await until("the new card", () => element(`.column[data-stage="order-done"] [data-order="${ORDER}"]`));
  await until("the card says what to cook", () => element(`.board .card[data-order="${ORDER}"] .lines li:nth-child(2)`, "1× Guaraná 2L"));
  assert.ok(await element(`.board .card[data-order="${ORDER}"] .lines li`, "+ olives"), "the first line's modifier");
  assert.ok(await element(`.board .card[data-order="${ORDER}"] .note`, "cut in 8"), "the kitchen's note on the card");
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
  await until("where it goes", () => element(`.row.ready[data-order="${ORDER}"]`, "Rua Augusta, 1200"));
  assert.ok(await element(`.row.ready[data-order="${ORDER}"]`, "+55 11 91234-5678"), "the phone");
  // "Map" opens the address through the opener plugin, as a geo: link.
  await click(`.row.ready[data-order="${ORDER}"] button`, "Map");
  await until("the address handed to the maps", async () => openedLinks().includes("geo:0,0?q=Rua%20Augusta%2C%201200"));
  // The window may open geo: links and nothing else.
  const web = await invoke("plugin:opener|open_url", { url: "https://example.com/" });
  assert.equal(web.ok, false, "an https link is outside the opener's scope");
  assert.ok(!openedLinks().includes("example.com"), openedLinks());
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
  assert.match(await bodyText(), /\b1 order · \d+ events\b/, "the day's totals");
  await screenshot("manager");

  await click('nav[aria-label="Screens"] button', "Settings");
  await until("the settings form", () => element("button", "Test connection"));
  await click("button", "Test connection");
  await until("every resource checked", async () => (await bodyText()).includes("waiting-delivery"));
  await screenshot("settings");
});

/** The CLI over the app's own data folder: the same core, read beside the running app. */
function cliJson(/** @type {string[]} */ args) {
  return execFileSync(kitchenCli, [...args, "--json"], { env })
    .toString()
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/**
 * Waits until `screen()` and `cli()` give the same answer. They read one
 * database, so they differ only while the mirror moves: fails when the CLI's
 * answer stops changing for 60 s and the screen still shows something else.
 */
async function untilScreenMatches(what, screen, cli) {
  let last = "";
  let movedAt = Date.now();
  for (;;) {
    const expected = JSON.stringify(cli());
    if (expected !== last) [last, movedAt] = [expected, Date.now()];
    const shown = JSON.stringify(await screen());
    if (shown === expected) return JSON.parse(shown);
    if (Date.now() - movedAt > 60_000) {
      await screenshot(`failed-${what.replace(/\W+/g, "-")}`);
      assert.equal(shown, expected, `${what}: the screen and \`kitchen\` differ, and nothing moved for 60 s`);
    }
    await sleep(500);
  }
}

test("the board, the late orders and the drivers' lists on screen are the CLI's, for an evening entered on another device", async () => {
  // A counter device enters an evening: orders at every stage, a few late, each tap at its moment.
  const counter = join(work, "counter");
  const counterCli = (/** @type {string[]} */ args) =>
    execFileSync(kitchenCli, ["--data-dir", counter, "--device", "counter", ...args], { env });
  counterCli(["simulate", "--orders", "60", "--evening", "--first-order", "700"]);
  // And one order ready now, so the shelf is not empty whatever the hour.
  for (const status of ["order done", "ready"]) counterCli(["tap", "760", status, "--client", "Rita Counter"]);
  const simulated = (/** @type {{ order: string }} */ o) => Number(o.order) >= 700 && Number(o.order) <= 760;

  // The app mirrors the evening: wait while the orders it holds grow, give up when none came for 60 s.
  const held = () => {
    const [board] = cliJson(["board"]);
    const cards = board.columns.flatMap((/** @type {any} */ c) => c.orders);
    return { cards: cards.filter(simulated).length, ready: cliJson(["drivers"]).some((o) => o.order === "760") };
  };
  let seen = -1;
  let grewAt = Date.now();
  for (let now = held(); !now.ready; now = held()) {
    if (now.cards > seen) [seen, grewAt] = [now.cards, Date.now()];
    assert.ok(Date.now() - grewAt < 60_000, `the app's mirror took no order of the evening for 60 s (it holds ${seen})`);
    await sleep(500);
  }

  await click('nav[aria-label="Screens"] button', "Kitchen");
  const onScreen = await untilScreenMatches(
    "the kitchen board",
    () =>
      run(`return {
        columns: [...document.querySelectorAll(".board .column")].map((c) => [
          c.dataset.stage,
          [...c.querySelectorAll(".card")].map((card) => card.dataset.day + "#" + card.dataset.order),
        ]),
        allDay: [...document.querySelectorAll(".all-day-item")].map((i) => i.textContent.trim()),
      }`),
    () => {
      const [board] = cliJson(["board"]);
      return {
        columns: board.columns.map((/** @type {any} */ c) => [c.stage.replaceAll(" ", "-"), c.orders.map((/** @type {any} */ o) => `${o.day}#${o.order}`)]),
        allDay: board.allDay.map((/** @type {any} */ i) => `${i.item} ×${i.count}`),
      };
    },
  );
  assert.ok(onScreen.columns.flatMap((/** @type {any} */ c) => c[1]).length > 0, "the evening has orders in the kitchen");
  assert.ok(onScreen.allDay.length > 0, "and something still to make");

  await click('nav[aria-label="Screens"] button', "Drivers");
  const ready = await untilScreenMatches(
    "the drivers' ready list",
    () => run(`return [...document.querySelectorAll(".row.ready")].map((r) => r.dataset.day + "#" + r.dataset.order)`),
    () => cliJson(["drivers"]).map((o) => `${o.day}#${o.order}`),
  );
  assert.ok(ready.length > 0, "ready orders wait on the shelf");

  await click('nav[aria-label="Screens"] button', "Manager");
  const late = await untilScreenMatches(
    "the manager's late orders",
    () => run(`return [...document.querySelectorAll("ol.late li")].map((l) => l.dataset.order)`),
    () => cliJson(["late"]).map((o) => o.order),
  );
  assert.ok(late.filter((o) => simulated({ order: o })).length > 0, `the evening's late orders: ${late}`);
  await screenshot("evening-manager");
  await click('nav[aria-label="Screens"] button', "Kitchen");
  await until("the evening's board", () => element(".board .card"));
  await screenshot("evening-kitchen");
  await click('nav[aria-label="Screens"] button', "Drivers");
  await until("the evening's shelf", () => element(".row.ready"));
  await screenshot("evening-drivers");
});

test("the whole evening in Portuguese: Settings picks it, every screen speaks it, the contract's statuses stay", async () => {
  await click('nav[aria-label="Screens"] button', "Settings");
  await click('label.role:has(input[name="language"][value="pt"])');
  await click("button", "Save");
  await until("the screens in Portuguese", () => element('nav[aria-label="Telas"]'));
  assert.equal((await invoke("get_settings", {})).value.language, "pt", "the language is saved on the device");
  await screenshot("settings-pt");

  await click('nav[aria-label="Telas"] button', "Cozinha");
  await until("the board's columns in Portuguese", () => element(".board .column h2", "No forno"));
  assert.match(await statusBar(), /todos os toques publicados|ainda não publicado/);
  // A tap from the Portuguese board is still the contract's "preparing".
  const card = await until("an order to start", () => element('.column[data-stage="order-done"] .card'));
  const order = await run("return arguments[0].dataset.order", card);
  await click(`.column[data-stage="order-done"] .card[data-order="${order}"] button`, "→ Preparando");
  await until("the card in Preparando", () => element(`.column[data-stage="preparing"] [data-order="${order}"]`));
  const [board] = cliJson(["board"]);
  const preparing = board.columns.find((/** @type {any} */ c) => c.stage === "preparing");
  assert.ok(preparing.orders.some((/** @type {any} */ o) => o.order === order), "`kitchen board` has it in `preparing`");
  await screenshot("evening-kitchen-pt");

  await click('nav[aria-label="Telas"] button', "Entregadores");
  await until("the shelf in Portuguese", () => element(".row.ready"));
  await screenshot("evening-drivers-pt");
  await click('nav[aria-label="Telas"] button', "Gerente");
  await until("the late orders in Portuguese", () => element("h2", "Pedidos atrasados"));
  await screenshot("evening-manager-pt");

  await click('nav[aria-label="Telas"] button', "Configurações");
  await click('label.role:has(input[name="language"][value="en"])');
  await click("button", "Salvar");
  await until("the screens in English again", () => element('nav[aria-label="Screens"]'));
});

test("the window is drawn on the CPU: no GL driver is loaded into the app", () => {
  assert.ok(firstApp, "the first app is open");
  const pid = appPid(firstApp, app);
  assert.ok(pid, "the app process is found below its driver");
  const maps = readFileSync(`/proc/${pid}/maps`, "utf8");
  const drivers = [...new Set(maps.match(/\/\S*(libLLVM|libgallium|_dri\.so|libEGL_mesa|libGLX_mesa)\S*/g) ?? [])];
  assert.deepEqual(drivers, [], "GL driver libraries mapped into the app process");

  const refused = spawnSync(app, [], { env: { ...env, KITCHEN_RENDERING: "opengl" }, encoding: "utf8", timeout: 30_000 });
  assert.equal(refused.status, 2, `exit status; stderr: ${refused.stderr}`);
  assert.match(refused.stderr, /KITCHEN_RENDERING: expected `cpu` or `gpu`, got `opengl`/);
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

/** Today's business day, as the app tells it: the stack's time zone and day-start hour. */
async function businessToday() {
  const { timeZone, dayStartHour } = (await invoke("get_connection_state", {})).value.businessDay;
  const shifted = new Date(Date.now() - dayStartHour * 3_600_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(shifted);
}

/** Every command the shell answers, from the generated bindings: a new one fails the test below until it has its bad calls. */
const COMMANDS = [...readFileSync(join(root, "ui/src/lib/backend/bindings/commands.ts"), "utf8").matchAll(/^ {2}(\w+): \{ args:/gm)].map((m) => m[1]);

test("every command refuses bad arguments with an error naming them, and nothing stored changes", async () => {
  const settings = (await invoke("get_settings", {})).value;
  assert.ok(settings?.deviceName, "the settings are readable");
  const today = await businessToday();
  const calls = badCalls({ settings, today });
  assert.deepEqual([...COMMANDS].sort(), Object.keys(calls).sort(), "every command is listed in tests/bad-calls.mjs");

  const downloads = join(work, "home", "Downloads");
  const stored = async () =>
    JSON.stringify({
      day: (await invoke("list_day", { day: today })).value,
      board: (await invoke("list_board", {})).value,
      settings: (await invoke("get_settings", {})).value,
      claims: (await invoke("list_claims", {})).value,
      outbox: execFileSync(kitchenCli, ["outbox", "--all", "--json", "--limit", "100000"], { env }).toString(),
      files: [readdirSync(downloads), readdirSync(env.KITCHEN_DATA_DIR)],
    });
  // Whatever the live loops were still doing (publishing, mirroring) settles first.
  let before = await stored();
  await until("what is stored to settle", async () => {
    await sleep(1000);
    const now = await stored();
    const settled = now === before;
    before = now;
    return settled;
  }, 60_000);

  for (const [command, bad] of Object.entries(calls)) {
    if (bad === "no arguments") continue;
    for (const [args, names] of bad) {
      const answer = await invoke(command, args);
      const what = `${command}(${JSON.stringify(args).slice(0, 80)})`;
      assert.equal(answer.ok, false, `${what} is refused`);
      const message = typeof answer.error === "string" ? answer.error : answer.error?.message;
      assert.ok(typeof message === "string" && message.length > 0, `${what} says why: ${JSON.stringify(answer.error)}`);
      assert.match(message, names, `${what} names what is wrong`);
      assert.ok(!message.includes("\n"), `${what}: one line: ${message}`);
      if (answer.error?.code === "invalid_input") {
        // The field comes with the error, for the form to mark; not parsed out of the message.
        assert.match(answer.error.field ?? "", names, `${what} carries the field: ${JSON.stringify(answer.error)}`);
      }
    }
  }
  assert.equal(await stored(), before, "nothing stored changed");
});

test("a damaged database: taps refused, the file kept, repaired from the app", async () => {
  const dir = join(work, "damaged-device");
  const appEnv = { ...env, KITCHEN_DATA_DIR: dir, KITCHEN_DEVICE: "desktop-damaged", KITCHEN_ROLE: "kitchen" };
  execFileSync(kitchenCli, ["simulate", "--orders", "100", "--no-publish"], { env: appEnv });
  const file = join(dir, "kitchen.sqlite3");
  const bytes = readFileSync(file);
  // Damage lands on taps: the middle one of the outbox's data pages (table
  // leaves, SQLite's page type 13, holding the taps' statuses).
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const tapPages = [];
  for (let start = pageSize; start < bytes.length; start += pageSize) {
    const page = bytes.subarray(start, start + pageSize);
    if (page[0] === 13 && page.includes("packing for delivery")) tapPages.push(start);
  }
  assert.ok(tapPages.length > 2, `the taps fill several pages: ${tapPages.length}`);
  const damaged = tapPages[Math.floor(tapPages.length / 2)];
  bytes.fill(0xa5, damaged, damaged + pageSize);
  writeFileSync(file, bytes);

  const main = { driverUrl, session };
  const second = await openAppWith(appEnv);
  try {
    await until("the damaged screen", async () => (await bodyText()).includes(file), 60_000);
    assert.match(await bodyText(), /damaged/i);
    assert.match(await statusBar(), /database damaged/);
    // However much SQLite has to say, the repair button is in view above the status bar.
    const inView = await run(`
      const button = [...document.querySelectorAll("button")].find((b) => b.textContent.includes("Set the damaged file aside"));
      const bar = document.querySelector("footer[role=status]");
      return Boolean(button) && button.getBoundingClientRect().bottom <= bar.getBoundingClientRect().top;`);
    assert.ok(inView, "the repair button is on screen");
    await screenshot("damaged");

    const refused = await invoke("tap_status", { order: "D-1", status: "order done", client: "Ana" });
    assert.equal(refused.ok, false, "a tap is refused");
    assert.equal(refused.error.code, "database_damaged");
    assert.ok(readFileSync(file).equals(bytes), "the damaged file is untouched");

    await click("button", "Set the damaged file aside");
    const report = await until("the repair's report", async () => {
      const text = await bodyText();
      return text.includes("is kept at") ? text : null;
    }, 90_000);
    const aside = readdirSync(dir).find((name) => /^kitchen\.damaged-.*\.sqlite3$/.test(name));
    assert.ok(aside, `the damaged file is set aside: ${readdirSync(dir)}`);
    assert.ok(readFileSync(join(dir, aside)).equals(bytes), "kept byte for byte");
    const carried = Number(/(\d+) taps not yet published were carried over/.exec(report)?.[1]);
    assert.ok(carried > 300 && carried < 600, `most taps carried: ${report}`);
    await screenshot("repaired");

    await click("button", "Continue");
    await until("the kitchen board", () => element(".board .column"));
    await until("every carried tap published", async () => (await statusBar()).includes("all taps published"), 180_000);
    const tapped = await invoke("tap_status", { order: "D-1", status: "order done", client: "Ana" });
    assert.equal(tapped.ok, true, `taps are taken again: ${JSON.stringify(tapped)}`);
    await until("the mirror converged with the table", async () => {
      try {
        execFileSync(kitchenCli, ["verify"], { env: appEnv, stdio: "pipe" });
        return true;
      } catch {
        return false;
      }
    }, 120_000);
  } finally {
    await closeApp(second);
    ({ driverUrl, session } = main);
  }
});
