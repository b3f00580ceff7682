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
  };
}
