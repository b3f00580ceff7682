import { mount } from "svelte";
import App from "./App.svelte";
import { createBackend, MockBackend } from "./lib/backend";
import { localDay } from "./lib/time/day";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

const backend = createBackend(window);
if (backend instanceof MockBackend) {
  // Browser preview only: `?demo=1` shows a made-up day (`?demo=400`: that many orders);
  // tests and the benchmark seed their own through `window.kitchenMock`.
  const demo = new URLSearchParams(window.location.search).get("demo");
  if (demo !== null) backend.seedDay(localDay(new Date()), Number(demo) > 1 ? Number(demo) : 120);
  (window as unknown as { kitchenMock: MockBackend }).kitchenMock = backend;
}

export default mount(App, { target, props: { backend } });
