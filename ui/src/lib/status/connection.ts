import type { ConnectionState } from "../backend";
import { clockSecond } from "../time/day";

export type Tone = "connecting" | "online" | "degraded" | "offline";

/** What the status bar says, worked out apart from how it looks. */
export interface ConnectionSummary {
  tone: Tone;
  label: string;
  /** Why the cloud is degraded or offline; null when there is nothing to explain. */
  reason: string | null;
  unpublished: string;
  /** Taps the cloud refused; null when there are none. */
  rejected: string | null;
  lastSync: string;
  /** When the days shown were last checked against the table; null before the first check. */
  lastCheck: string | null;
  /** This device's clock is off from the cloud's by more than 30 s; null when it is not. */
  clock: string | null;
  /** The stack's business day is not known on this device yet; null once it is. */
  businessDay: string | null;
  /** Events waiting in the dead-letter queues (a manager's device); null when none. */
  deadLetters: string | null;
}

/** A clock further off than this is shown (the core's `CLOCK_WARNING`). */
export const CLOCK_WARNING_MS = 30_000;

/** "3 min fast", "45 s slow". */
export function clockOff(offsetMs: number): string {
  const off = Math.abs(offsetMs);
  const amount = off >= 90_000 ? `${Math.round(off / 60_000)} min` : `${Math.round(off / 1000)} s`;
  return `${amount} ${offsetMs > 0 ? "fast" : "slow"}`;
}

const LABELS: Record<Tone, string> = {
  connecting: "Connecting…",
  online: "Online",
  degraded: "Degraded",
  offline: "Offline",
};

function taps(count: number): string {
  return count === 1 ? "1 tap" : `${count} taps`;
}

/** HH:MM:SS on the store's clock, as every other time on screen. */
export function clockTime(iso: string, zone: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? "unknown" : clockSecond(time, zone);
}

export function summarize(state: ConnectionState, zone: string): ConnectionSummary {
  const tone = state.status.state;
  return {
    tone,
    label: LABELS[tone],
    reason: "reason" in state.status ? state.status.reason : null,
    unpublished: state.unpublished === 0 ? "All taps published" : `${taps(state.unpublished)} not yet published`,
    rejected: state.rejected === 0 ? null : `${taps(state.rejected)} refused by the cloud`,
    lastSync: state.lastSync === null ? "not synced yet" : `last sync ${clockTime(state.lastSync, zone)}`,
    lastCheck: state.lastCheck === null ? null : `checked ${clockTime(state.lastCheck, zone)}`,
    clock:
      state.clockOffsetMs !== null && Math.abs(state.clockOffsetMs) > CLOCK_WARNING_MS
        ? `This device's clock is ${clockOff(state.clockOffsetMs)}`
        : null,
    businessDay: state.businessDay.confirmed ? null : "Business day not confirmed by the cloud yet",
    deadLetters:
      state.deadLetters === null || state.deadLetters === 0
        ? null
        : `${state.deadLetters === 1 ? "1 event" : `${state.deadLetters} events`} in the dead-letter queues: kitchen cloud redrive`,
  };
}
