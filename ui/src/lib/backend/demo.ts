import { businessDayEnd, businessDayStart, dayStart, type BusinessDayRule } from "../time/day";
import { KITCHEN_STAGES, SAMPLE } from "./bindings/contract";
import type { DayViewRow, OrderContents, OrderLine } from "./types";

/** How a made-up day looks; the defaults give a plausible evening at a busy pizzeria. */
export interface DemoDayOptions {
  /**
   * Orders entered in the last 45 minutes before `now` and still in the kitchen
   * (never past "ready"). Default: 12 when `now` falls in the day, else 0.
   */
  open?: number;
  /** The first order's number; the others follow. Default 101. */
  firstOrder?: number;
}

/** Minutes from each stage to the next one: [shortest, longest]. */
const STEP_MINUTES: [number, number][] = [
  [1, 3], // order done → preparing
  [3, 6], // preparing → in the oven
  [6, 9], // in the oven → left the oven
  [1, 2], // left the oven → packing
  [1, 2], // packing → ready
  [2, 12], // ready → picked up (shelf wait)
  [8, 25], // picked up → delivered
];

const MINUTE = 60_000;

/**
 * What the demo's order `n` is: one to three pizzas, a side every other
 * order, a note now and then, and where it goes. The same `n` always gives
 * the same order, whatever else the demo draws.
 */
export function demoContents(n: number): OrderContents {
  const pick = (list: readonly string[], salt: number) => list[(n * 11 + salt * 3) % list.length];
  const lines: OrderLine[] = Array.from({ length: 1 + (n % 3) }, (_, k) => ({
    quantity: 1 + Number((n + k) % 4 === 0),
    item: pick(SAMPLE.pizzas, k),
    size: pick(SAMPLE.sizes, k + 1),
    ...((n + k) % 3 === 0 ? { modifiers: [pick(SAMPLE.modifiers, k + 2)] } : {}),
  }));
  if (n % 2 === 0) lines.push({ quantity: 1, item: pick(SAMPLE.sides, 3) });
  return {
    lines,
    ...(n % 4 === 1 ? { note: pick(SAMPLE.notes, 4) } : {}),
    address: `${pick(SAMPLE.streets, 5)}, ${10 + ((n * 37) % 1900)}`,
    phone: `+55 11 9${String((n * 7919) % 10000).padStart(4, "0")}-${String((n * 104729) % 10000).padStart(4, "0")}`,
    ...(n % 5 === 2 ? { delivery_note: pick(SAMPLE.deliveryNotes, 6) } : {}),
  };
}

/** A small seeded generator (mulberry32), so a day seeded twice is the same day. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A made-up day of `orders` orders, for previews, browser tests and the
 * render benchmark, on business day `day`. Orders arrive around lunch and
 * dinner between 11:00 and 23:00 (evenly from the day's start when `now` is
 * before 14:30); every order goes through the kitchen stages, then is picked
 * up and delivered; about 1 in 25 is cancelled early, about 1 in 10 waits long
 * in preparation (late), and nothing happens after `now`. Hours are on the
 * store's clocks.
 */
export function demoDay(
  day: string,
  orders: number,
  now: Date,
  rule: BusinessDayRule,
  options: DemoDayOptions = {},
): DayViewRow[] {
  const rand = random(hash(`${day}/${orders}`));
  const between = (low: number, high: number) => low + rand() * (high - low);
  const nowMs = now.getTime();
  const midnight = dayStart(day, rule.zone);
  const start = businessDayStart(day, rule);
  const dayEnds = businessDayEnd(day, rule);
  const end = Math.min(nowMs, dayEnds - MINUTE);
  if (end <= start) return [];

  const nowInDay = nowMs < dayEnds;
  const open = Math.min(orders, options.open ?? (nowInDay ? 12 : 0));
  let opensAt = Math.max(start, midnight + 11 * 60 * MINUTE);
  let closesAt = Math.min(midnight + 23 * 60 * MINUTE, end - 30 * MINUTE);
  // Before lunch there is no evening to imitate: the orders spread evenly from the day's start.
  const evenly = closesAt - opensAt < 3 * 60 * MINUTE;
  if (evenly) {
    opensAt = start;
    closesAt = Math.max(start + MINUTE, end - 30 * MINUTE);
  }
  const lunch = midnight + 12.5 * 60 * MINUTE;
  const dinner = midnight + 19.5 * 60 * MINUTE;
  const normal = () => {
    // Box–Muller, for the lunch and dinner peaks.
    const u = Math.max(rand(), 1e-9);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const arrival = () => {
    if (evenly) return between(opensAt, closesAt);
    // Draws again rather than clamping, which would pile orders up at opening and closing time.
    for (let tries = 0; tries < 8; tries++) {
      const pick = rand();
      const t = pick < 0.35 ? lunch + normal() * 45 * MINUTE : pick < 0.85 ? dinner + normal() * 60 * MINUTE : between(opensAt, closesAt);
      if (t >= opensAt && t <= closesAt) return t;
    }
    return between(opensAt, closesAt);
  };

  const created: { time: number; open: boolean }[] = [];
  for (let i = 0; i < orders - open; i++) created.push({ time: arrival(), open: false });
  const openFrom = Math.max(start, nowMs - 45 * MINUTE);
  for (let i = 0; i < open; i++) created.push({ time: between(openFrom, Math.max(openFrom, nowMs - MINUTE)), open: true });
  created.sort((a, b) => a.time - b.time);

  const rows: DayViewRow[] = [];
  const first = options.firstOrder ?? 101;
  created.forEach(({ time, open: stillOpen }, index) => {
    const order = String(first + index);
    const client = SAMPLE.clients[Math.floor(rand() * SAMPLE.clients.length)];
    const device = "oven-1";
    const push = (status: string, at: number, from = device) => {
      const iso = new Date(at).toISOString();
      const eventId = `demo-${day}-${order}-${rows.length}`;
      rows.push({
        day,
        order,
        status,
        client,
        time: iso,
        eventId,
        device: from,
        timeEventId: `${iso}#${eventId}`,
        source: { source: "table" },
        ...(status === "order done" ? { contents: demoContents(first + index) } : {}),
      });
    };
    const slow = rand() < 0.1;
    const cancelAfter = !stillOpen && rand() < 0.04 ? Math.floor(rand() * 2) : -1;
    const lastStage = stillOpen ? Math.floor(rand() * KITCHEN_STAGES.length) : KITCHEN_STAGES.length + 1;
    const statuses = [...KITCHEN_STAGES, "picked up", "delivered"];
    let at = time;
    for (let stage = 0; stage <= lastStage; stage++) {
      if (at > nowMs) return;
      push(statuses[stage], at, stage >= 6 ? "driver-1" : device);
      if (stage === cancelAfter) {
        const cancelledAt = at + between(1, 5) * MINUTE;
        if (cancelledAt <= nowMs) push("cancelled", cancelledAt, "counter");
        return;
      }
      if (stage === statuses.length - 1) return;
      const [low, high] = STEP_MINUTES[stage];
      at += between(low, high) * MINUTE + (slow && stage === 1 ? between(10, 22) * MINUTE : 0);
      // An open order stops where the kitchen is now, never later than now.
      if (stillOpen && at > nowMs) return;
    }
  });
  return rows;
}
