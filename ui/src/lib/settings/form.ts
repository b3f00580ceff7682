import type { DeviceRole, DeviceSettings, ResourceCheck } from "../backend";
import { t, type MessageKey } from "../i18n";
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

/** The roles Settings offers; `label` and `hint` are catalogue keys, shown through `t()`. */
export const ROLES: readonly { role: DeviceRole; label: MessageKey; hint: MessageKey }[] = [
  { role: "kitchen", label: "settings.roleKitchen", hint: "settings.roleKitchenHint" },
  { role: "driverStation", label: "settings.roleDriverStation", hint: "settings.roleDriverStationHint" },
  { role: "manager", label: "settings.roleManager", hint: "settings.roleManagerHint" },
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
    if (!/^\d+$/.test(text)) return { field, message: t("settings.wholeMinutes") };
    minutes[field] = Number(text);
  }
  const days = form.keepDays.trim();
  if (!/^\d+$/.test(days)) return { field: "keepDays", message: t("settings.wholeDays") };
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
  ok: "settings.verdictOk",
  missing: "settings.verdictMissing",
  forbidden: "settings.verdictForbidden",
  unreachable: "settings.verdictUnreachable",
  waiting: "settings.verdictWaiting",
  error: "settings.verdictError",
} as const satisfies Record<ResourceCheck["outcome"]["state"], MessageKey>;

export function checkLine(check: ResourceCheck): CheckLine {
  const outcome = check.outcome;
  return {
    ok: outcome.state === "ok",
    verdict: t(VERDICTS[outcome.state]),
    detail: "message" in outcome ? outcome.message : null,
  };
}

const RESOURCE_LABELS: Record<string, MessageKey> = {
  credentials: "settings.resourceCredentials",
  bus: "settings.resourceBus",
  table: "settings.resourceTable",
  index: "settings.resourceIndex",
  queue: "settings.resourceQueue",
  "dead letters": "settings.resourceDeadLetters",
  "business day": "settings.resourceBusinessDay",
};

/** A resource the connection test checked, as the screen names it; one of a newer core is shown as it came. */
export function resourceLabel(resource: string): string {
  const key = Object.prototype.hasOwnProperty.call(RESOURCE_LABELS, resource) ? RESOURCE_LABELS[resource] : undefined;
  return key === undefined ? resource : t(key);
}
