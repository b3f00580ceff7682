import type { ConnectionState } from "../backend";
import { t, tCount } from "../i18n";
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
  const fast = offsetMs > 0;
  if (off >= 90_000) {
    return t(fast ? "shell.clockMinutesFast" : "shell.clockMinutesSlow", { count: Math.round(off / 60_000) });
  }
  return t(fast ? "shell.clockSecondsFast" : "shell.clockSecondsSlow", { count: Math.round(off / 1000) });
}

function label(tone: Tone): string {
  switch (tone) {
    case "connecting":
      return t("shell.connecting");
    case "online":
      return t("shell.online");
    case "degraded":
      return t("shell.degraded");
    case "offline":
      return t("shell.offline");
  }
}

/** HH:MM:SS on the store's clock, as every other time on screen. */
export function clockTime(iso: string, zone: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? t("shell.unknownTime") : clockSecond(time, zone);
}

export function summarize(state: ConnectionState, zone: string): ConnectionSummary {
  const tone = state.status.state;
  return {
    tone,
    label: label(tone),
    reason: "reason" in state.status ? state.status.reason : null,
    unpublished:
      state.unpublished === 0
        ? t("shell.allTapsPublished")
        : tCount(state.unpublished, { one: "shell.tapsUnpublishedOne", other: "shell.tapsUnpublishedOther" }),
    rejected:
      state.rejected === 0
        ? null
        : tCount(state.rejected, { one: "shell.tapsRejectedOne", other: "shell.tapsRejectedOther" }),
    lastSync:
      state.lastSync === null ? t("shell.notSyncedYet") : t("shell.lastSync", { time: clockTime(state.lastSync, zone) }),
    lastCheck: state.lastCheck === null ? null : t("shell.lastCheck", { time: clockTime(state.lastCheck, zone) }),
    clock:
      state.clockOffsetMs !== null && Math.abs(state.clockOffsetMs) > CLOCK_WARNING_MS
        ? t("shell.clockOff", { off: clockOff(state.clockOffsetMs) })
        : null,
    businessDay: state.businessDay.confirmed ? null : t("shell.businessDayUnconfirmed"),
    deadLetters:
      state.deadLetters === null || state.deadLetters === 0
        ? null
        : tCount(state.deadLetters, { one: "shell.deadLettersOne", other: "shell.deadLettersOther" }),
  };
}
