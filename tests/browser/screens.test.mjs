// @ts-check
/**
 * Every screen and button of the built UI in Chromium, against the in-memory
 * backend: an order goes from the counter to the customer, then the manager
 * looks at the day and the settings are saved and tested.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { businessDay, launchBrowser, screenshot, startPreview } from "./harness.mjs";

/** @typedef {import("playwright-core").Page} Page */

const today = businessDay();
const yesterday = businessDay(1);

/** @type {Awaited<ReturnType<typeof startPreview>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {Page} */
let page;
/** @type {string[]} */
const pageErrors = [];

/**
 * Runs a function body in the page with `mock` (the page's in-memory backend,
 * `window.kitchenMock`) and `arg`; resolves to what it returns.
 * @param {string} body
 * @param {unknown} [arg]
 */
function withMock(body, arg = null) {
  return page.evaluate(
    ({ source, value }) => new Function("mock", "arg", source)(/** @type {any} */ (window).kitchenMock, value),
    { source: body, value: arg },
  );
}

const card = (/** @type {string} */ order) => page.locator(`.board .card[data-order="${order}"]`);
const column = (/** @type {string} */ stage) => page.locator(`.column[data-stage="${stage}"]`);
const tab = (/** @type {string} */ name) => page.getByRole("navigation", { name: "Screens" }).getByRole("button", { name });

before(async () => {
  server = await startPreview();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // Counts the beeps: each one starts oscillators on the page's AudioContext.
  await page.addInitScript(() => {
    const w = /** @type {any} */ (window);
    w.beeps = 0;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
      w.beeps += 1;
      return create.call(this);
    };
  });
  await page.goto(server.url);
  // A quiet day in the background, so the board looks like a kitchen's (orders 101–140).
  await withMock("return mock.seedDay(arg, 40, new Date())", today);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("kitchen", () => {
  it("opens on the kitchen screen for a kitchen device, with the status bar", async () => {
    assert.equal(await tab("Kitchen").getAttribute("aria-current"), "page");
    await page.getByRole("status").filter({ hasText: "Online" }).waitFor();
    assert.equal(await page.locator(".column").count(), 6);
  });

  it("shows the backend's error next to the field it names", async () => {
    const form = page.getByRole("form", { name: "New order" });
    await form.getByLabel("Order number").fill("501");
    await form.getByRole("button", { name: "Add order" }).click();
    const error = page.locator("#new-order-client-error");
    await error.waitFor();
    assert.match(await error.innerText(), /field `client` is empty/);
    assert.equal(await card("501").count(), 0);
  });

  it("adds orders at the first stage", async () => {
    const form = page.getByRole("form", { name: "New order" });
    for (const [order, client] of [
      ["501", 'Zoë, "Boss"'],
      ["502", "Bruno Brandão"],
    ]) {
      await form.getByLabel("Order number").fill(order);
      await form.getByLabel("Client").fill(client);
      await form.getByRole("button", { name: "Add order" }).click();
      await column("order-done").locator(`[data-order="${order}"]`).waitFor();
    }
    assert.equal(await form.getByLabel("Order number").inputValue(), "");
    assert.match(await card("501").innerText(), /Zoë, "Boss"/);
  });

  it("enters an order with its items, notes and address; a bad item is named where it was typed", async () => {
    const form = page.getByRole("form", { name: "New order" });
    await form.getByLabel("Order number").fill("510");
    await form.getByLabel("Client").fill("Carla");
    await form.getByRole("button", { name: "+ Items" }).click();
    const items = form.getByLabel(/Items, one per line/);
    await items.fill("2x Margherita (large) + olives\n0x Coke");
    await form.getByRole("button", { name: "Add order" }).click();
    await form.getByText(/line 2: 0 is not from 1 to 99/).waitFor();
    assert.equal(await card("510").count(), 0, "nothing entered");
    await items.fill("2x Margherita (large) + olives\n1x Coke 2L");
    await form.getByLabel("Note for the kitchen").fill("cut in 8");
    await form.getByLabel("Delivery address").fill("Rua Augusta, 1200");
    await form.getByLabel("Phone").fill("+55 11 91234-5678");
    await form.getByLabel("Note for the driver").fill("ring twice");
    await form.getByRole("button", { name: "Add order" }).click();
    const cooking = card("510").getByRole("list", { name: "What to cook" });
    await cooking.waitFor();
    assert.match(await cooking.innerText(), /2× Margherita \(large\)\s*\+ olives\s*1× Coke 2L/);
    assert.equal(await card("510").locator(".note").innerText(), "cut in 8");
    assert.equal(await form.getByLabel(/Items, one per line/).count(), 0, "the form closes once entered");
    // The address waits for the drivers; the kitchen's card does not show it.
    assert.doesNotMatch(await card("510").innerText(), /Rua Augusta/);
    await page.getByRole("button", { name: /Undo #510 \(cancel order\)/ }).click();
    await card("510").waitFor({ state: "detached" });
  });

  it("refuses an order number already used today", async () => {
    const form = page.getByRole("form", { name: "New order" });
    await form.getByLabel("Order number").fill("501");
    await form.getByLabel("Client").fill("Someone else");
    await form.getByRole("button", { name: "Add order" }).click();
    await page.locator("#new-order-order-error").filter({ hasText: "already exists" }).waitFor();
    await form.getByLabel("Order number").fill("");
    await form.getByLabel("Client").fill("");
  });

  it("moves an order through every kitchen stage with one button per card", async () => {
    const steps = [
      ["Preparing", "preparing"],
      ["In the oven", "in-the-oven"],
      ["Left the oven", "left-the-oven"],
      ["Packing for delivery", "packing-for-delivery"],
      ["Ready", "ready"],
    ];
    for (const [label, stage] of steps) {
      await card("501").getByRole("button", { name: `→ ${label}` }).click();
      await column(stage).locator('[data-order="501"]').waitFor();
    }
    // Ready orders wait for a driver: no button left on the card.
    assert.equal(await card("501").getByRole("button").count(), 0);
    assert.match(await card("501").innerText(), /Waiting for a driver/);
  });

  it("undoes the last tap by sending the order back one stage", async () => {
    await card("502").getByRole("button", { name: "→ Preparing" }).click();
    await column("preparing").locator('[data-order="502"]').waitFor();
    const undo = page.getByRole("button", { name: /Undo #502/ });
    await undo.click();
    await column("order-done").locator('[data-order="502"]').waitFor();
    assert.ok(await page.getByRole("button", { name: "↶ Undo" }).isDisabled());
  });

  it("undoes a new order by cancelling it", async () => {
    const form = page.getByRole("form", { name: "New order" });
    await form.getByLabel("Order number").fill("503");
    await form.getByLabel("Client").fill("Mistake");
    await form.getByRole("button", { name: "Add order" }).click();
    await card("503").waitFor();
    await page.getByRole("button", { name: /Undo #503 \(cancel order\)/ }).click();
    await card("503").waitFor({ state: "detached" });
  });

  it("shows what to cook on the card, the note marked, a long order folded", async () => {
    const day = await card("502").getAttribute("data-day");
    const lines = [
      { quantity: 2, item: "Margherita", size: "large", modifiers: ["olives", "no onion"] },
      { quantity: 1, item: "Calabresa", size: "medium" },
      { quantity: 1, item: "Quatro Queijos", size: "large" },
      { quantity: 3, item: "Guaraná 2L" },
      { quantity: 1, item: "Brownie" },
      { quantity: 1, item: "Garlic bread" },
      { quantity: 1, item: "Coke 2L" },
    ];
    assert.equal(await withMock("return mock.describeOrder(arg.day, '502', arg.contents)", { day, contents: { lines, note: "cut in 8" } }), true);
    const cooking = card("502").getByRole("list", { name: "What to cook" });
    await cooking.waitFor();
    assert.equal(await cooking.locator("li").count(), 4);
    assert.match(await cooking.locator("li").first().innerText(), /2× Margherita \(large\)\s*\+ olives, no onion/);
    assert.equal(await card("502").locator(".note").innerText(), "cut in 8");
    await card("502").getByRole("button", { name: "+3 more" }).click();
    assert.equal(await cooking.locator("li").count(), 7);
    assert.match(await cooking.innerText(), /1× Coke 2L/);
    await card("502").getByRole("button", { name: "Fold" }).click();
    assert.equal(await cooking.locator("li").count(), 4);
    // An order whose event said nothing of its contents shows none.
    assert.equal(await card("501").getByRole("list", { name: "What to cook" }).count(), 0);
  });

  it("counts what the open orders still want, all day, by item", async () => {
    const allDay = page.getByLabel("All day");
    await allDay.waitFor();
    const text = await allDay.innerText();
    // Order 502's two Margheritas are in it, with every other open order's.
    const margherita = Number(/Margherita ×(\d+)/.exec(text)?.[1]);
    assert.ok(margherita >= 2, text);
    const day = await card("502").getAttribute("data-day");
    // Order 502 now wants five, three more than before; a ready order (501) counts for nothing.
    const more = { lines: [{ quantity: 5, item: "Margherita" }] };
    await withMock("return mock.describeOrder(arg.day, '502', arg.more)", { day, more });
    await withMock("return mock.describeOrder(arg.day, '501', arg.more)", { day, more });
    await page.waitForFunction(
      ([expected]) => document.querySelector('[aria-label="All day"]')?.textContent?.includes(`Margherita ×${expected}`),
      [margherita + 3],
    );
  });

  it("filters the cards by order number or client", async () => {
    const search = page.getByRole("searchbox");
    await search.fill("brandão");
    await page.getByText("1 open order matching").waitFor();
    assert.equal(await page.locator(".board .card").count(), 1);
    assert.equal(await card("502").count(), 1);
    await search.fill("501");
    await card("502").waitFor({ state: "detached" });
    assert.equal(await card("501").count(), 1);
    await search.fill("");
    await screenshot(page, "kitchen");
  });
});

describe("drivers", () => {
  it("lists the ready order with its time on the shelf", async () => {
    await tab("Drivers").click();
    const row = page.locator('.row.ready[data-order="501"]');
    await row.waitFor();
    assert.match(await row.innerText(), /On the shelf\s+\d+:\d\d/);
  });

  it("shows where a ready order goes, and copies its address with a tap", async () => {
    const row = page.locator('.row.ready[data-order="501"]');
    const day = await row.getAttribute("data-day");
    const contents = { lines: [{ quantity: 1, item: "Margherita" }], address: "Rua Augusta, 1200 ap. 31", phone: "+55 11 91234-5678", delivery_note: "ring twice" };
    assert.equal(await withMock("return mock.describeOrder(arg.day, '501', arg.contents)", { day, contents }), true);
    const address = row.getByRole("button", { name: "Rua Augusta, 1200 ap. 31" });
    await address.waitFor();
    assert.match(await row.innerText(), /\+55 11 91234-5678/);
    assert.match(await row.innerText(), /ring twice/);
    assert.equal(await row.locator('a[href="tel:+5511912345678"]').count(), 1);
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await address.click();
    await row.getByText("· copied").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "Rua Augusta, 1200 ap. 31");
    // "Map" hands the address to the desktop's maps as a geo: link.
    await row.getByRole("button", { name: "Map" }).click();
    assert.deepEqual(await withMock("return mock.openedLinks"), ["geo:0,0?q=Rua%20Augusta%2C%201200%20ap.%2031"]);
  });

  it("beeps and says so when an order becomes ready while the screen is open", async () => {
    const before = await page.evaluate(() => /** @type {any} */ (window).beeps);
    await withMock(
      `return (async () => {
        for (const status of ["preparing", "in the oven", "left the oven", "packing for delivery", "ready"]) {
          await mock.tapStatus("502", status, "Bruno Brandão", null);
        }
      })()`,
    );
    await page.getByText("Order 502 is ready").waitFor();
    await page.locator('.row.ready[data-order="502"]').waitFor();
    const after = await page.evaluate(() => /** @type {any} */ (window).beeps);
    assert.ok(after > before, "a beep was played");
  });

  it("claims an order on this station", async () => {
    const row = page.locator('.row.ready[data-order="501"]');
    await row.getByRole("button", { name: "Claim" }).click();
    await row.getByText("Claimed here").waitFor();
    assert.equal(await row.getByRole("button", { name: "Claim" }).count(), 0);
  });

  it("warns when desktop notifications cannot be shown", async () => {
    await withMock(
      `mock.setConnection({ notifications: { state: "unavailable", reason: "no notification service on the session bus" } })`,
    );
    await page.getByRole("alert").filter({ hasText: "no notification service on the session bus" }).waitFor();
    await screenshot(page, "drivers");
  });

  it("marks the order picked up, then delivered", async () => {
    await page.locator('.row.ready[data-order="501"]').getByRole("button", { name: "Picked up" }).click();
    const road = page.locator('.row.road[data-order="501"]');
    await road.waitFor();
    await page.locator('.row.ready[data-order="501"]').waitFor({ state: "detached" });
    await road.getByRole("button", { name: "Delivered" }).click();
    await road.waitFor({ state: "detached" });
    await tab("Kitchen").click();
    await card("502").waitFor();
    assert.equal(await card("501").count(), 0, "a delivered order has left the board");
  });
});

describe("manager", () => {
  it("draws the delivered order's timeline with one bar per stage", async () => {
    await tab("Manager").click();
    const scroll = page.locator(".gantt .scroll");
    await scroll.waitFor();
    // The timeline draws only the rows in view; the newest orders are at the bottom.
    await scroll.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const row = page.locator('.gantt .row[data-order="501"]');
    await row.waitFor();
    const stages = await row.locator("rect title").allTextContents();
    assert.deepEqual(
      stages.map((t) => t.split(":")[0]),
      ["order done", "preparing", "in the oven", "left the oven", "packing for delivery", "ready", "picked up"],
    );
  });

  it("says in the status bar when events wait in the dead-letter queues", async () => {
    await withMock("mock.setConnection({ deadLetters: 2 })");
    const warning = page.getByRole("alert").filter({ hasText: "2 events in the dead-letter queues" });
    await warning.waitFor();
    assert.match(await warning.innerText(), /kitchen cloud redrive/);
    await withMock("mock.setConnection({ deadLetters: 0 })");
    await warning.waitFor({ state: "detached" });
  });

  it("exports the day's events as CSV", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `kitchen-${today}.csv`);
    const text = await readFile(await download.path(), "utf8");
    const lines = text.split("\r\n");
    assert.equal(lines[0], "order,status,client,time,event_id,device");
    const delivered = lines.find((l) => l.startsWith("501,delivered,"));
    assert.ok(delivered, "the delivery of 501 is exported");
    assert.match(delivered, /^501,delivered,"Zoë, ""Boss""",\d{4}-\d\d-\d\dT[^,]+,[^,]+,browser-preview$/);
    assert.equal(lines.filter((l) => l.startsWith("501,")).length, 8);
    // The desktop app says where it saved the file; the browser preview names the download.
    await page.locator(".export-result").filter({ hasText: `Saved to kitchen-${today}.csv` }).waitFor();
  });

  it("shows another day's figures, late orders and replay", async () => {
    const seeded = await withMock(
      "return mock.seedDay(arg, 80, new Date(Date.parse(arg + 'T00:00:00') + 86_399_000 + 4 * 3_600_000))",
      yesterday,
    );
    assert.ok(Number(seeded) > 400);
    await page.getByRole("button", { name: "Previous day" }).click();
    await page.getByText(`80 orders · ${seeded} events`).waitFor();
    assert.equal(await page.locator('input[type="date"]').inputValue(), yesterday);
    const oven = page.locator('tr[data-stage="in the oven"] td');
    assert.match(await oven.nth(1).innerText(), /^\d+:\d\d$/, "a median for the oven");
    assert.ok((await page.locator(".late li").count()) > 0, "a slow order is listed as late");
    assert.ok((await page.locator('svg[aria-label="Orders per hour"] rect').count()) >= 6);
    await screenshot(page, "manager");
  });

  it("replays the board minute by minute", async () => {
    const slider = page.getByRole("slider", { name: "Minute of the day" });
    /** The replayed board, once the core has worked it out for that minute. */
    const replayAt = async (/** @type {string} */ minute) => {
      await page.getByText(`Board at ${minute}`).waitFor();
      const board = page.getByRole("region", { name: `Kitchen board at ${minute}` });
      await board.waitFor();
      return board;
    };
    await slider.focus();
    await page.keyboard.press("Home");
    // The business day starts at 04:00, and the slider with it.
    assert.equal(await (await replayAt("04:00")).locator(".card").count(), 0);
    // Dinner time: the seeded day's busiest hour.
    await slider.evaluate((el) => {
      const input = /** @type {HTMLInputElement} */ (el);
      input.value = String((19 - 4) * 60 + 30);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    const atDinner = await (await replayAt("19:30")).locator(".card").count();
    assert.ok(atDinner > 0, "orders on the board at dinner time");
    await page.getByRole("button", { name: "15 minutes later" }).click();
    await replayAt("19:45");
    await page.getByRole("button", { name: "1 minute earlier" }).click();
    const replay = await replayAt("19:44");
    assert.equal(await replay.getByRole("button").count(), 0, "the replayed board is read-only");
    await replay.scrollIntoViewIfNeeded();
    await screenshot(page, "manager-replay");
  });
});

describe("the device's role", () => {
  for (const [role, screen] of [
    ["driverStation", "Drivers"],
    ["manager", "Manager"],
    ["kitchen", "Kitchen"],
  ]) {
    it(`opens a ${role} device on the ${screen} screen`, async () => {
      const other = await browser.context.newPage();
      try {
        await other.goto(`${server.url}?role=${role}`);
        const current = other.getByRole("navigation", { name: "Screens" }).locator('[aria-current="page"]');
        await current.waitFor();
        assert.equal((await current.innerText()).trim(), screen);
      } finally {
        await other.close();
      }
    });
  }
});

describe("a damaged database", () => {
  /** A page of its own, at the desktop window's size, so the main flow's data stays as it is. */
  async function openPage(/** @type {string} */ query = "") {
    const other = await browser.context.newPage();
    other.setDefaultTimeout(10_000);
    other.on("pageerror", (error) => pageErrors.push(error.message));
    await other.setViewportSize({ width: 1280, height: 800 });
    await other.goto(`${server.url}${query}`);
    return other;
  }

  const repairButton = (/** @type {Page} */ p) =>
    p.getByRole("button", { name: "Set the damaged file aside and rebuild from the cloud" });

  it("opens on the repair screen naming the file and SQLite's detail", async () => {
    const other = await openPage("?damaged=1");
    try {
      await other.getByRole("heading", { name: "This device's database is damaged" }).waitFor();
      const screen = other.locator(".damaged");
      const text = await screen.innerText();
      assert.match(text, /\/home\/kitchen\/\.local\/share\/com\.pizzeria\.kitchen-dashboard\/kitchen\.sqlite3/);
      assert.match(text, /database disk image is malformed/);
      assert.match(text, /New taps are refused until it is repaired/);
      assert.match(text, /Nothing has been deleted/);
      const bar = (await other.locator("footer[role=status]").innerText()).toLowerCase();
      assert.match(bar, /database damaged/);
      // No way to a screen that could only fail.
      assert.equal(await other.getByRole("navigation", { name: "Screens" }).count(), 0);
      const button = await repairButton(other).boundingBox();
      assert.ok(button && button.height >= 48, `the repair button is a finger high: ${JSON.stringify(button)}`);
      assert.ok(button.y + button.height <= 800, "the repair button is on screen without scrolling");
      await screenshot(other, "damaged");
    } finally {
      await other.close();
    }
  });

  it("switches to the repair screen when a tap meets a damaged database, then repairs and keeps the order", async () => {
    const other = await openPage();
    try {
      const form = other.getByRole("form", { name: "New order" });
      await form.getByLabel("Order number").fill("601");
      await form.getByLabel("Client").fill("Ana Paper");
      await form.getByRole("button", { name: "Add order" }).click();
      const order = other.locator('.column[data-stage="order-done"] [data-order="601"]');
      await order.waitFor();
      await other.evaluate(() => {
        const mock = /** @type {any} */ (window).kitchenMock;
        // The order's tap is still on this device, waiting for the bus.
        mock.setConnection({ unpublished: 1 });
        mock.damageDatabase({
          path: "/var/lib/kitchen/kitchen.sqlite3",
          detail: "file is not a database",
          repairMs: 600,
          repairFails: "cannot move /var/lib/kitchen/kitchen.sqlite3 aside: permission denied",
        });
      });

      await other.locator('.card[data-order="601"]').getByRole("button", { name: "→ Preparing" }).click();
      await other.getByRole("heading", { name: "This device's database is damaged" }).waitFor();
      const text = await other.locator(".damaged").innerText();
      assert.match(text, /\/var\/lib\/kitchen\/kitchen\.sqlite3/);
      assert.match(text, /file is not a database/);

      // The first try fails: the message is shown and the button stays to try again.
      await repairButton(other).click();
      const working = other.getByRole("button", { name: /Repairing…/ });
      await working.waitFor();
      assert.ok(await working.isDisabled(), "the button is disabled while repairing");
      await other.getByRole("alert").filter({ hasText: "permission denied" }).waitFor();
      assert.ok(await repairButton(other).isEnabled());

      await repairButton(other).click();
      await other.getByRole("heading", { name: "The database is repaired" }).waitFor();
      const report = await other.locator(".report").innerText();
      assert.match(report, /The damaged file is kept at \/var\/lib\/kitchen\/kitchen\.damaged-\d{8}T\d{6}\.\d{3}Z\.sqlite3\./);
      assert.match(report, /1 tap not yet published was carried over and will be published\./);
      await screenshot(other, "damaged-repaired");

      await other.getByRole("button", { name: "Continue" }).click();
      const kitchen = other.getByRole("navigation", { name: "Screens" }).getByRole("button", { name: "Kitchen" });
      await kitchen.waitFor();
      assert.equal(await kitchen.getAttribute("aria-current"), "page");
      // The refused tap did not happen; the order is where it was.
      await order.waitFor();
      assert.equal(await other.locator('.card[data-order="601"]').count(), 1);
    } finally {
      await other.close();
    }
  });
});

describe("at the desktop window's size", () => {
  // src-tauri/tauri.conf.json opens the window at 1280×800: what the kitchen staff see.
  /** @type {Page} */
  let small;

  /** Where an element is, or a failed test saying which one is not on screen. */
  async function box(/** @type {import("playwright-core").Locator} */ locator, /** @type {string} */ what) {
    const found = await locator.boundingBox();
    assert.ok(found, `${what} is rendered`);
    return found;
  }

  /** Fails unless the element lies wholly inside the window and above the status bar. */
  async function assertInView(/** @type {import("playwright-core").Locator} */ locator, /** @type {string} */ what) {
    const viewport = small.viewportSize();
    assert.ok(viewport);
    const shape = await box(locator, what);
    const bar = await box(small.locator("footer[role=status]"), "the status bar");
    assert.ok(shape.x >= 0 && shape.x + shape.width <= viewport.width, `${what} fits across: ${JSON.stringify(shape)}`);
    assert.ok(shape.y >= 0 && shape.y + shape.height <= bar.y, `${what} is above the status bar: ${JSON.stringify(shape)}`);
    return shape;
  }

  /** Fails when the screen scrolls sideways or the window itself scrolls. */
  async function assertNoSidewaysScroll(/** @type {string} */ screen) {
    const sizes = await small.evaluate(() => {
      const main = /** @type {HTMLElement} */ (document.querySelector("main"));
      const root = document.documentElement;
      return { main: [main.scrollWidth, main.clientWidth], page: [root.scrollWidth, root.scrollHeight, innerWidth, innerHeight] };
    });
    assert.ok(sizes.main[0] <= sizes.main[1], `${screen} is not wider than the window: ${JSON.stringify(sizes)}`);
    assert.ok(sizes.page[0] <= sizes.page[2] && sizes.page[1] <= sizes.page[3], `the window does not scroll: ${JSON.stringify(sizes)}`);
  }

  before(async () => {
    small = await browser.context.newPage();
    small.setDefaultTimeout(10_000);
    small.on("pageerror", (error) => pageErrors.push(error.message));
    await small.setViewportSize({ width: 1280, height: 800 });
    await small.goto(server.url);
    await small.evaluate(
      async ({ day }) => {
        const mock = /** @type {any} */ (window).kitchenMock;
        mock.seedDay(day, 60, new Date());
        // The longest button label, and more cards than a column can show.
        await mock.tapStatus("9001", "left the oven", "Maria Fernanda dos Santos Oliveira", null);
        for (let i = 0; i < 14; i++) await mock.tapStatus(String(9100 + i), "preparing", `Client ${i}`, null);
      },
      { day: today },
    );
  });

  after(async () => {
    await small?.close();
  });

  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ]) {
    it(`shows all six kitchen columns and a whole advance button at ${width}×${height}`, async () => {
      await small.setViewportSize({ width, height });
      const columns = small.locator(".board .column");
      await small.locator('.card[data-order="9001"]').waitFor();
      assert.equal(await columns.count(), 6);
      for (let i = 0; i < 6; i++) {
        const column = columns.nth(i);
        const stage = await column.getAttribute("data-stage");
        await assertInView(column, `the ${stage} column`);
      }

      const advance = small.locator('.card[data-order="9001"]').getByRole("button", { name: "→ Packing for delivery" });
      // How many cards the seeded day leaves in that column depends on the hour the test runs; the column scrolls.
      await advance.scrollIntoViewIfNeeded();
      const button = await assertInView(advance, "the advance button");
      assert.ok(button.height >= 56, `the button is a finger high: ${button.height} px`);
      const clipped = await advance.evaluate((el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight);
      assert.equal(clipped, false, "the button's label is not clipped");

      // Fourteen cards do not fit: the column scrolls, not the screen.
      const cards = small.locator('.column[data-stage="preparing"] .cards');
      assert.ok(await cards.evaluate((el) => el.scrollHeight > el.clientHeight), "the preparing column scrolls");
      await assertNoSidewaysScroll("the kitchen");
      await assertInView(small.getByRole("form", { name: "New order" }), "the new order form");
      await assertInView(small.getByRole("button", { name: /Undo/ }), "the undo button");
      await screenshot(small, width === 1280 ? "desktop-kitchen" : "kitchen-1920");
    });
  }

  it("keeps the last card of a full column reachable above the status bar", async () => {
    await small.setViewportSize({ width: 1280, height: 800 });
    const last = small.locator('.card[data-order="9113"]');
    await last.scrollIntoViewIfNeeded();
    await assertInView(last.getByRole("button", { name: "→ In the oven" }), "the last card's button");
  });

  for (const [name, screen] of [
    ["Drivers", "desktop-drivers"],
    ["Manager", "desktop-manager"],
    ["Settings", "desktop-settings"],
  ]) {
    it(`fits the ${name} screen across the window`, async () => {
      await small.getByRole("navigation", { name: "Screens" }).getByRole("button", { name }).click();
      if (name === "Manager") await small.locator(".gantt").waitFor();
      if (name === "Settings") await small.getByRole("button", { name: "Test connection" }).waitFor();
      await assertNoSidewaysScroll(`the ${name} screen`);
      await screenshot(small, screen);
    });
  }
});

describe("languages", () => {
  it("speaks Portuguese once Settings picks it, statuses, counts and numbers included, and English again", async () => {
    // A busy day two days ago: over a thousand events, a number the locale writes.
    const busy = businessDay(2);
    const events = Number(await withMock("return mock.seedDay(arg, 250, new Date(Date.parse(arg + 'T22:00:00')))", busy));
    assert.ok(events >= 1000, `${events} events`);

    await tab("Settings").click();
    await page.getByText("Português", { exact: true }).click();
    await page.getByRole("button", { name: "Save" }).click();
    const nav = page.getByRole("navigation", { name: "Telas" });
    await nav.waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "pt-BR");
    assert.equal(/** @type {any} */ (await withMock("return mock.getSettings()")).language, "pt");

    await nav.getByRole("button", { name: "Cozinha" }).click();
    await page.locator('.column[data-stage="in-the-oven"] h2').filter({ hasText: "No forno" }).waitFor();
    assert.match(await page.locator(".all-day").innerText(), /^A fazer/i);
    assert.match(await page.locator("footer[role=status]").innerText(), /toques publicados|ainda não publicado/i);
    // The contract's statuses stay as they are: the tap a card sends is still "preparing".
    const first = page.locator('.column[data-stage="order-done"] .card').first();
    const [order, orderDay] = [await first.getAttribute("data-order"), await first.getAttribute("data-day")];
    await first.getByRole("button", { name: "→ Preparando" }).click();
    await page.locator(`.column[data-stage="preparing"] .card[data-order="${order}"]`).waitFor();
    const day = /** @type {any[]} */ (await withMock("return mock.listDay(arg)", orderDay));
    assert.ok(day.some((r) => r.order === order && r.status === "preparing"), "the event says `preparing`");

    await nav.getByRole("button", { name: "Gerente" }).click();
    await page.locator('input[type="date"]').fill(busy);
    const total = `250 pedidos · ${new Intl.NumberFormat("pt-BR").format(events)} eventos`;
    assert.ok(total.includes("."), total);
    await page.getByText(total).waitFor();
    // The day as Portuguese writes it: "quinta-feira, 3 de dezembro de 2026".
    const written = new Intl.DateTimeFormat("pt-BR", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
      .format(new Date(`${busy}T12:00:00Z`));
    assert.equal(await page.locator(".day-name").innerText(), written);
    assert.match(written, / de /);
    await page.getByRole("heading", { name: "Pedidos atrasados" }).waitFor();
    await screenshot(page, "manager-pt");

    await nav.getByRole("button", { name: "Configurações" }).click();
    await page.getByText("English", { exact: true }).click();
    await page.getByRole("button", { name: "Salvar" }).click();
    await page.getByRole("navigation", { name: "Screens" }).waitFor();
    await tab("Manager").click();
    await page.locator('input[type="date"]').fill(busy);
    await page.getByText(`250 orders · ${new Intl.NumberFormat("en-GB").format(events)} events`).waitFor();
  });

  it("follows the system's language while none is saved", async () => {
    const portuguese = await launchBrowser({ width: 1280, height: 800 }, { locale: "pt-BR" });
    try {
      const other = portuguese.context.pages()[0] ?? (await portuguese.context.newPage());
      other.on("pageerror", (error) => pageErrors.push(error.message));
      await other.goto(`${server.url}?demo=1`);
      await other.getByRole("navigation", { name: "Telas" }).waitFor();
      await other.getByRole("button", { name: "Configurações" }).click();
      // The first choice follows the system, and says which language that is.
      await other.getByText("Sistema (Português)").waitFor();
      assert.equal(await other.locator('input[name="language"]:checked').count(), 1);
      await other.getByRole("button", { name: "Cozinha" }).click();
      await other.locator(".board .card").first().waitFor();
      await screenshot(other, "kitchen-pt");
    } finally {
      await portuguese.close();
    }
  });

});

describe("settings", () => {
  it("shows the core's error under the field it names and keeps the old settings", async () => {
    await tab("Settings").click();
    const warn = page.getByLabel("Amber after (minutes)");
    await warn.fill("30");
    await page.getByRole("button", { name: "Save" }).click();
    const field = page.locator("label.field", { has: warn });
    await field.getByRole("alert").filter({ hasText: "field `warnAfterMinutes`" }).waitFor();
    assert.equal(await warn.getAttribute("aria-invalid"), "true");
    const stored = await withMock("return mock.getSettings()");
    assert.equal(/** @type {any} */ (stored).warnAfterMinutes, 15);

    const endpoint = page.getByLabel("Endpoint override");
    await warn.fill("10");
    await endpoint.fill("localhost:4566");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator("label.field", { has: endpoint }).getByRole("alert").filter({ hasText: "endpointUrl" }).waitFor();
    await screenshot(page, "settings-error");
  });

  it("saves the settings and the role", async () => {
    await page.getByLabel("Endpoint override").fill("http://127.0.0.1:4566/");
    await page.getByText("Driver station", { exact: true }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved", { exact: true }).waitFor();
    const stored = /** @type {any} */ (await withMock("return mock.getSettings()"));
    assert.equal(stored.warnAfterMinutes, 10);
    assert.equal(stored.role, "driverStation");
    assert.equal(stored.endpointUrl, "http://127.0.0.1:4566");
    assert.equal(await page.getByLabel("Endpoint override").inputValue(), "http://127.0.0.1:4566");
  });

  it("tests the connection with the form's values, one line per resource its role uses", async () => {
    await page.getByLabel("Event bus").fill("missing-bus");
    // A manager's device watches the dead-letter queues; it reads no delivery queue.
    await page.locator("label").filter({ hasText: "The day's timeline" }).click();
    await page.getByRole("button", { name: "Test connection" }).click();
    const lines = page.locator(".checks li");
    await lines.first().waitFor();
    assert.equal(await lines.count(), 8);
    assert.equal(await page.locator('.checks li[data-resource="queue"]').count(), 0);
    assert.match(await page.locator('.checks li[data-resource="dead letters"]').first().innerText(), /pizzaria-events-store-dlq[\s\S]*OK/);
    assert.match(await page.locator('.checks li[data-resource="bus"]').innerText(), /missing-bus[\s\S]*Missing/);
    assert.match(await page.locator('.checks li[data-resource="table"]').innerText(), /OK/);
    // Testing does not save.
    const stored = /** @type {any} */ (await withMock("return mock.getSettings()"));
    assert.equal(stored.busName, "pizzaria");
    await page.locator(".checks").scrollIntoViewIfNeeded();
    await screenshot(page, "settings");
  });

  it("raised no error in the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});
