// The release build's footprint: the size of the .deb, the time from launch to
// the first interactive screen, and the memory the app holds after a minute
// idle, with a day of 2,000 orders loaded. The baseline, measured in the same
// run, is the same package on a new device with no day and no cloud: the ratio
// is what the day costs.
//
//   npm run bench:footprint                 builds the .deb, then measures
//   npm run bench:footprint -- --no-build   measures the .deb already built
//
// Runs the packaged binary (unpacked from the .deb) under tauri-driver on a
// private X display (scripts/with-display.sh); the day is stored in a local
// cloud's table (crates/kitchen-device/examples/load_day.rs) and mirrored before
// the app starts. Results: a table on stdout and
// artifacts/bench/footprint.json.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { appPid, closeApp, descendants, freePort, openApp, webdriver } from "../tests/desktop/webdriver.mjs";

const root = resolve(import.meta.dirname, "..");
const build = !process.argv.includes("--no-build");
const ORDERS = 2000;
const DELIVERED = 1700;
const LAUNCHES = Number(process.env.FOOTPRINT_LAUNCHES ?? 5);
const IDLE_SECONDS = Number(process.env.FOOTPRINT_IDLE_SECONDS ?? 60);
const TARGETS = { debMiB: 15, launchMs: 1500, rssMiB: 150 };
const tauriDriver = process.env.TAURI_DRIVER ?? join(root, ".tools/bin/tauri-driver");
const work = mkdtempSync(join(tmpdir(), "kitchen-footprint-"));
const MiB = 1024 * 1024;

function sh(/** @type {string} */ command, /** @type {string[]} */ args, options = {}) {
  return String(execFileSync(command, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], ...options }) ?? "");
}

if (build) {
  console.log("building the release .deb (npm run tauri build -- --bundles deb)…");
  sh("npm", ["run", "tauri", "build", "--", "--bundles", "deb"], { stdio: "inherit" });
}
const debDir = join(root, "target/release/bundle/deb");
const debName = readdirSync(debDir).find((name) => name.endsWith(".deb"));
assert.ok(debName, `a .deb in ${debDir}: run without --no-build`);
const deb = join(debDir, debName);
const debBytes = statSync(deb).size;
sh("dpkg-deb", ["-x", deb, join(work, "package")]);
const app = join(work, "package/usr/bin/kitchen-desktop");
const appBytes = statSync(app).size;

// The CLI and the day's loader set the day up; debug builds are enough for that.
sh("cargo", ["build", "--quiet", "--locked", "-p", "kitchen-cli", "-p", "kitchen-device", "--example", "load_day", "--bin", "kitchen"], { stdio: "inherit" });
const loadDay = join(root, "target/debug/examples/load_day");
const kitchen = join(root, "target/debug/kitchen");

/** @type {Record<string, string | undefined>} */
const base = {
  ...process.env,
  HOME: join(work, "home"),
  KITCHEN_CLOUD_DIR: join(work, "cloud"),
  KITCHEN_ROLE: "kitchen",
};
mkdirSync(join(work, "home"), { recursive: true });
const endpoint = sh(kitchen, ["cloud", "up", "--port", String(await freePort())], { env: base }).trim();
const dayDevice = { ...base, AWS_ENDPOINT_URL: endpoint, KITCHEN_DATA_DIR: join(work, "day"), KITCHEN_DEVICE: "bench-day" };
// A new device with no cloud to reach: the app with nothing to show.
const emptyDevice = { ...base, AWS_ENDPOINT_URL: "http://127.0.0.1:9", KITCHEN_DATA_DIR: join(work, "empty"), KITCHEN_DEVICE: "bench-empty" };

try {
  // Straight into the table with the store function: publishing through the
  // local cloud's rules would take it tens of minutes.
  console.log(`storing a day of ${ORDERS} orders (${DELIVERED} delivered) in the local cloud's table…`);
  process.stdout.write(sh(loadDay, [String(ORDERS), String(DELIVERED)], { env: dayDevice }));
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    sh(kitchen, ["sync"], { env: dayDevice });
    try {
      const verdict = sh(kitchen, ["verify"], { env: dayDevice, stdio: ["ignore", "pipe", "pipe"] });
      const rows = Number(/mirror (\d+) rows/.exec(verdict)?.[1]);
      if (rows === ORDERS * 6 + DELIVERED * 2) break;
    } catch {
      // Not converged yet.
    }
    assert.ok(Date.now() < deadline, "the day reached the table and the mirror in 10 minutes");
    await sleep(3000);
  }

  /** Launch to the kitchen board with every open order on it, in ms. */
  async function launch(/** @type {Record<string, string | undefined>} */ env, /** @type {number} */ openOrders) {
    const opened = await openApp({ tauriDriver, app, env });
    try {
      const run = (/** @type {string} */ script) =>
        webdriver(opened.url, "POST", `/session/${opened.session}/execute/sync`, { script, args: [] });
      const check = `return document.querySelectorAll(".board .column").length === 6
        && document.querySelectorAll(".board .card").length >= ${openOrders}`;
      const giveUp = performance.now() + 60_000;
      for (;;) {
        if (await run(check).catch(() => false)) return { opened, ms: performance.now() - opened.startedAt };
        assert.ok(performance.now() < giveUp, "the kitchen board came up within a minute");
        await sleep(10);
      }
    } catch (error) {
      await closeApp(opened);
      throw error;
    }
  }

  /** The app process and everything it started (WebKit's web and network processes). */
  function processTree(/** @type {Awaited<ReturnType<typeof openApp>>} */ opened) {
    const pid = appPid(opened, app);
    assert.ok(pid, "the app process is found below its driver");
    return [pid, ...descendants(pid)];
  }

  function memory(/** @type {number[]} */ pids) {
    const field = (/** @type {string} */ text, /** @type {string} */ name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
    let rss = 0;
    let pss = 0;
    let appRss = 0;
    let appUss = 0;
    for (const [i, pid] of pids.entries()) {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      rss += field(rollup, "Rss");
      pss += field(rollup, "Pss");
      if (i === 0) {
        appRss = field(rollup, "Rss");
        // Pages no other process shares: what the app alone holds.
        appUss = field(rollup, "Private_Clean") + field(rollup, "Private_Dirty");
      }
    }
    return { appRss, appUss, rss, pss, processes: pids.length, appMappings: largestMappings(pids[0]) };
  }

  /** Where the app process's resident memory is: the largest mappings by RSS. */
  function largestMappings(/** @type {number} */ pid) {
    /** @type {Map<string, number>} */
    const byName = new Map();
    let name = "";
    for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
      const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (header) name = header[1] || "[anonymous]";
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (rss) byName.set(name, (byName.get(name) ?? 0) + Number(rss[1]) * 1024);
    }
    return [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([mapping, bytes]) => ({ mapping, bytes }));
  }

  async function measure(/** @type {string} */ name, /** @type {Record<string, string | undefined>} */ env, /** @type {number} */ openOrders) {
    const launches = [];
    for (let i = 0; i < LAUNCHES; i++) {
      const { opened, ms } = await launch(env, openOrders);
      launches.push(ms);
      await closeApp(opened);
    }
    launches.sort((a, b) => a - b);
    console.log(`${name}: launches ${launches.map((ms) => ms.toFixed(0)).join(", ")} ms; idling ${IDLE_SECONDS} s…`);
    const { opened } = await launch(env, openOrders);
    try {
      await sleep(IDLE_SECONDS * 1000);
      return { launchMs: launches[Math.floor(launches.length / 2)], launchesMs: launches, ...memory(processTree(opened)) };
    } finally {
      await closeApp(opened);
    }
  }

  const day = await measure(`day of ${ORDERS} orders`, dayDevice, ORDERS - DELIVERED);
  const empty = await measure("empty device (baseline)", emptyDevice, 0);

  const mib = (/** @type {number} */ bytes) => (bytes / MiB).toFixed(1);
  const rows = [
    ["", `day of ${ORDERS} orders`, "empty device", "day ÷ empty", "target"],
    [".deb size", `${mib(debBytes)} MiB`, "", "", `≤ ${TARGETS.debMiB} MiB`],
    ["launch → kitchen board (median)", `${day.launchMs.toFixed(0)} ms`, `${empty.launchMs.toFixed(0)} ms`, (day.launchMs / empty.launchMs).toFixed(2), `≤ ${TARGETS.launchMs} ms`],
    [`RSS after ${IDLE_SECONDS} s idle: app process`, `${mib(day.appRss)} MiB`, `${mib(empty.appRss)} MiB`, (day.appRss / empty.appRss).toFixed(2), `≤ ${TARGETS.rssMiB} MiB`],
    ["  of which private to it (USS)", `${mib(day.appUss)} MiB`, `${mib(empty.appUss)} MiB`, (day.appUss / empty.appUss).toFixed(2), ""],
    [`RSS, app + ${day.processes - 1} WebKit processes`, `${mib(day.rss)} MiB`, `${mib(empty.rss)} MiB`, (day.rss / empty.rss).toFixed(2), ""],
    ["PSS, app + WebKit processes", `${mib(day.pss)} MiB`, `${mib(empty.pss)} MiB`, (day.pss / empty.pss).toFixed(2), ""],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log();
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join(" | "));
  console.log("\nlargest mappings of the app process (day / empty):");
  for (const { label, run } of [{ label: "day", run: day }, { label: "empty", run: empty }]) {
    console.log(`  ${label}: ${run.appMappings.map(({ mapping, bytes }) => `${mapping.split("/").pop()} ${mib(bytes)}`).join(", ")}`);
  }
  console.log(`\nbinary ${mib(appBytes)} MiB unpacked; ${LAUNCHES} launches each; the day: ${ORDERS * 6 + DELIVERED * 2} events, ${ORDERS - DELIVERED} orders open on the board`);

  mkdirSync(join(root, "artifacts/bench"), { recursive: true });
  writeFileSync(
    join(root, "artifacts/bench/footprint.json"),
    JSON.stringify({ deb: debName, debBytes, appBytes, orders: ORDERS, delivered: DELIVERED, idleSeconds: IDLE_SECONDS, day, empty, targets: TARGETS }, null, 2),
  );
} finally {
  try {
    sh(kitchen, ["cloud", "down"], { env: base, stdio: "inherit" });
  } catch {}
}
