import { mount } from "svelte";
import App from "./App.svelte";
import { createBackend, MockBackend } from "./lib/backend";
import { businessDay } from "./lib/time/day";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

/**
 * Browser preview only: `?demo=1` shows a made-up day (`?demo=400`: that many
 * orders), `?role=manager` previews another device's role, `?damaged=1`
 * starts with a damaged database (the repair screen). Tests and the benchmark
 * seed their own data through `window.kitchenMock`.
 */
async function preparePreview(mock: MockBackend, params: URLSearchParams): Promise<void> {
  (window as unknown as { kitchenMock: MockBackend }).kitchenMock = mock;
  const demo = params.get("demo");
  if (demo !== null) {
    const today = businessDay(Date.now(), mock.rule);
    mock.seedDay(today, Number(demo) > 1 ? Number(demo) : 120);
  }
  const role = params.get("role");
  if (role === "kitchen" || role === "driverStation" || role === "manager") {
    await mock.saveSettings({ ...(await mock.getSettings()), role });
  }
  // Last: the seeding and the role above need the database whole.
  if (params.get("damaged") === "1") mock.damageDatabase({ repairMs: 1500 });
}

const backend = createBackend(window);
const ready =
  backend instanceof MockBackend ? preparePreview(backend, new URLSearchParams(window.location.search)) : Promise.resolve();

void ready.then(() => mount(App, { target, props: { backend } }));
