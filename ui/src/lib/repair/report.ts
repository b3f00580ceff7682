import { errorMessage, type DatabaseProblem, type RepairReport } from "../backend";

/** What the damaged screen names: the file (when the shell said which) and what SQLite said. */
export interface ShownProblem {
  path: string | null;
  detail: string;
}

/**
 * The problem as the shell describes it; when it has none to describe (the
 * refusal came first, or the question failed), the refusal's own message.
 */
export function shownProblem(problem: DatabaseProblem | null, refusal: unknown): ShownProblem {
  if (problem !== null) return { path: problem.path, detail: problem.detail };
  return { path: null, detail: errorMessage(refusal) };
}

/** One sentence of the repair's report; "warn" ones say what is still missing. */
export interface ReportLine {
  text: string;
  tone: "ok" | "warn";
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Days as people read a list: "a", "a and b", "a, b and c"; a long run by its ends. */
export function daysInWords(days: readonly string[]): string {
  const sorted = [...days].sort();
  if (sorted.length > 4) return `${sorted.length} days, ${sorted[0]} to ${sorted[sorted.length - 1]}`;
  if (sorted.length <= 1) return sorted.join("");
  return `${sorted.slice(0, -1).join(", ")} and ${sorted[sorted.length - 1]}`;
}

/** The repair's report in plain words, in the order a cook wants to know it. */
export function reportLines(report: RepairReport): ReportLine[] {
  const lines: ReportLine[] = [{ text: `The damaged file is kept at ${report.setAside}.`, tone: "ok" }];
  lines.push({
    text:
      report.tapsCarried === 0
        ? "No taps were waiting to be published."
        : report.tapsCarried === 1
          ? "1 tap not yet published was carried over and will be published."
          : `${report.tapsCarried} taps not yet published were carried over and will be published.`,
    tone: "ok",
  });
  lines.push(
    report.rowsCarried === 0
      ? { text: "This device's settings could not be carried over: check them on the Settings screen.", tone: "warn" }
      : {
          text: `${count(report.rowsCarried, "other record", "other records")} (this device's name and settings, deliveries, claims) ${report.rowsCarried === 1 ? "was" : "were"} carried over.`,
          tone: "ok",
        },
  );
  if (report.unreadable !== null && report.unreadable.trim() !== "") {
    lines.push({ text: `Could not be read from the damaged file (it stays in it): ${report.unreadable}`, tone: "warn" });
  }
  if (report.daysRebuilt.length > 0) {
    lines.push({ text: `Rebuilt from the cloud: ${daysInWords(report.daysRebuilt)}.`, tone: "ok" });
  }
  if (report.mirrorError !== null) {
    lines.push({
      text: `The orders from the cloud could not be loaded yet (${report.mirrorError}); they fill in by themselves once the cloud answers.`,
      tone: "warn",
    });
  } else if (report.daysRebuilt.length === 0) {
    lines.push({ text: "No days were rebuilt from the cloud: there were none to copy.", tone: "ok" });
  }
  return lines;
}
