import type { DeviceRole, DeviceSettings, ResourceCheck } from "../backend";
import type { Language } from "../i18n/languages";

/** The settings as the form edits them: text fields stay text until saved. */
export interface SettingsForm {
  deviceName: string;
  role: DeviceRole;
  awsProfile: string;
  awsRegion: string;
  endpointUrl: string;
  busName: string;
  tableName: string;
  deliveryQueueName: string;
  warnAfterMinutes: string;
  lateAfterMinutes: string;
  readySound: boolean;
  keepDays: string;
  /** `null`: the system's language. */
  language: Language | null;
}

export type SettingsField = keyof DeviceSettings;

export const ROLES: { role: DeviceRole; label: string; hint: string }[] = [
  { role: "kitchen", label: "Kitchen", hint: "Order cards and stage buttons" },
  { role: "driverStation", label: "Driver station", hint: "Ready orders; polls the delivery queue" },
  { role: "manager", label: "Manager", hint: "The day's timeline, figures and export" },
];

export function toForm(settings: DeviceSettings): SettingsForm {
  return {
    ...settings,
    awsProfile: settings.awsProfile ?? "",
    awsRegion: settings.awsRegion ?? "",
    endpointUrl: settings.endpointUrl ?? "",
    warnAfterMinutes: String(settings.warnAfterMinutes),
    lateAfterMinutes: String(settings.lateAfterMinutes),
    keepDays: String(settings.keepDays),
  };
}

const blankIsUnset = (value: string) => (value.trim() === "" ? null : value);

/**
 * The settings to send, or the first field that is not even a number. Every
 * other check is the core's, so the screen and the core never disagree.
 */
export function fromForm(form: SettingsForm): { settings: DeviceSettings } | { field: SettingsField; message: string } {
  const minutes: Partial<Record<"warnAfterMinutes" | "lateAfterMinutes", number>> = {};
  for (const field of ["warnAfterMinutes", "lateAfterMinutes"] as const) {
    const text = form[field].trim();
    if (!/^\d+$/.test(text)) return { field, message: "Enter a whole number of minutes" };
    minutes[field] = Number(text);
  }
  const days = form.keepDays.trim();
  if (!/^\d+$/.test(days)) return { field: "keepDays", message: "Enter a whole number of days" };
  return {
    settings: {
      ...form,
      awsProfile: blankIsUnset(form.awsProfile),
      awsRegion: blankIsUnset(form.awsRegion),
      endpointUrl: blankIsUnset(form.endpointUrl),
      warnAfterMinutes: minutes.warnAfterMinutes as number,
      lateAfterMinutes: minutes.lateAfterMinutes as number,
      keepDays: Number(days),
    },
  };
}

const FIELDS: SettingsField[] = [
  "deviceName",
  "role",
  "awsProfile",
  "awsRegion",
  "endpointUrl",
  "busName",
  "tableName",
  "deliveryQueueName",
  "warnAfterMinutes",
  "lateAfterMinutes",
  "readySound",
  "keepDays",
  "language",
];

/** The form field an error names, whether the core spells it `busName` or `bus_name`. */
export function settingsField(name: string | null): SettingsField | null {
  if (name === null) return null;
  const key = name.replaceAll("_", "").toLowerCase();
  return FIELDS.find((field) => field.toLowerCase() === key) ?? null;
}

export interface CheckLine {
  ok: boolean;
  /** What a person reads first: "OK", "Missing"… */
  verdict: string;
  /** The cloud's own words, for whoever fixes it. */
  detail: string | null;
}

const VERDICTS = {
  ok: "OK",
  missing: "Missing",
  forbidden: "Forbidden: no permission",
  unreachable: "Unreachable",
  waiting: "Events waiting",
  error: "Error",
} as const;

export function checkLine(check: ResourceCheck): CheckLine {
  const outcome = check.outcome;
  return {
    ok: outcome.state === "ok",
    verdict: VERDICTS[outcome.state],
    detail: "message" in outcome ? outcome.message : null,
  };
}

const RESOURCE_LABELS: Record<string, string> = {
  credentials: "Credentials",
  bus: "Event bus",
  table: "Event table",
  index: "Table index",
  queue: "Delivery queue",
  "dead letters": "Dead-letter queue",
  "business day": "Business day",
};

export function resourceLabel(resource: string): string {
  return RESOURCE_LABELS[resource] ?? resource;
}
