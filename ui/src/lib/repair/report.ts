import { errorMessage, type DatabaseProblem, type RepairReport } from "../backend";
import { t, tCount } from "../i18n";

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

/** Days as people read a list: "a", "a and b", "a, b and c"; a long run by its ends. */
export function daysInWords(days: readonly string[]): string {
  const sorted = [...days].sort();
  if (sorted.length > 4) {
    return t("shell.daysRun", { count: sorted.length, first: sorted[0], last: sorted[sorted.length - 1] });
  }
  if (sorted.length <= 1) return sorted.join("");
  return t("shell.daysList", { list: sorted.slice(0, -1).join(", "), last: sorted[sorted.length - 1] });
}

/** The repair's report in plain words, in the order a cook wants to know it. */
export function reportLines(report: RepairReport): ReportLine[] {
  const lines: ReportLine[] = [{ text: t("shell.reportKeptAt", { path: report.setAside }), tone: "ok" }];
  lines.push({
    text:
      report.tapsCarried === 0
        ? t("shell.reportNoTaps")
        : tCount(report.tapsCarried, { one: "shell.reportTapsCarriedOne", other: "shell.reportTapsCarriedOther" }),
    tone: "ok",
  });
  lines.push(
    report.rowsCarried === 0
      ? { text: t("shell.reportSettingsLost"), tone: "warn" }
      : {
          text: tCount(report.rowsCarried, {
            one: "shell.reportRecordsCarriedOne",
            other: "shell.reportRecordsCarriedOther",
          }),
          tone: "ok",
        },
  );
  if (report.unreadable !== null && report.unreadable.trim() !== "") {
    lines.push({ text: t("shell.reportUnreadable", { what: report.unreadable }), tone: "warn" });
  }
  if (report.daysRebuilt.length > 0) {
    lines.push({ text: t("shell.reportRebuilt", { days: daysInWords(report.daysRebuilt) }), tone: "ok" });
  }
  if (report.mirrorError !== null) {
    lines.push({ text: t("shell.reportMirrorError", { error: report.mirrorError }), tone: "warn" });
  } else if (report.daysRebuilt.length === 0) {
    lines.push({ text: t("shell.reportNoDays"), tone: "ok" });
  }
  return lines;
}
