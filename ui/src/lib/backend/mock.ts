import { groupOrders } from "../orders/orders";
import { mapsLink } from "../drivers/maps";
import { LANGUAGES } from "../i18n/languages";
import { STATUSES } from "../orders/stages";
import { LIMITS, MESSAGES } from "./bindings/contract";
import { businessDay, businessDayEnd, shiftDay, type BusinessDayRule } from "../time/day";
import { demoDay, type DemoDayOptions } from "./demo";
import { BackendError } from "./error";
import { boardAt, driverLists, lateOrders } from "./views";
import type {
  AppInfo,
  Backend,
  BoardView,
  Claim,
  ConnectionState,
  DatabaseProblem,
  DayViewRow,
  DeviceRole,
  DeviceSettings,
  DriverLists,
  Events,
  LateOrder,
  RepairReport,
  ResourceCheck,
  OrderContents,
  OrderForm,
  OrderLine,
  TapReceipt,
} from "./types";

const SAMPLE_APP_INFO: AppInfo = {
  name: "Kitchen Dashboard",
  version: "0.0.0-preview",
  dataDir: "(browser preview: nothing is stored)",
  // The browser's own zone, so the preview's days are the ones on the viewer's clock.
  businessDay: {
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    dayStartHour: 4,
    confirmed: true,
  },
};

/** Open orders older than this leave the board (the core's bound). */
const OPEN_BOUND_MS = 24 * 3_600_000;

/** The core's defaults (kitchen_store::settings). */
export const DEFAULT_SETTINGS: DeviceSettings = {
  deviceName: "browser-preview",
  role: "kitchen",
  awsProfile: null,
  awsRegion: null,
  endpointUrl: null,
  busName: "pizzaria",
  tableName: "pizzaria-events",
  deliveryQueueName: "waiting-delivery",
  warnAfterMinutes: 15,
  lateAfterMinutes: 25,
  readySound: true,
  keepDays: 90,
  language: null,
};

/** Where the desktop app keeps its database on a Linux kitchen PC; the mock's damaged file is named after it. */
export const MOCK_DATABASE_PATH = "/home/kitchen/.local/share/com.pizzeria.kitchen-dashboard/kitchen.sqlite3";

/** How `MockBackend.damageDatabase` damages the mock's database, and how the repair then goes. */
export interface MockDamage {
  /** The damaged file; default `MOCK_DATABASE_PATH`. */
  path?: string;
  /** What SQLite said; default "database disk image is malformed". */
  detail?: string;
  /** How long the repair takes, in milliseconds, so a screen can show it working; default 0. */
  repairMs?: number;
  /** The next repair rejects ("internal") with this message and leaves the file damaged; the one after works. */
  repairFails?: string;
}

/**
 * Where the shell sets a damaged file aside: `kitchen.damaged-<UTC time>.sqlite3`
 * next to it (kitchen_store::repair), e.g. `kitchen.damaged-20261126T101500.123Z.sqlite3`.
 */
export function setAsidePath(path: string, now: Date): string {
  const folder = path.slice(0, path.lastIndexOf("/") + 1);
  const stamp = now.toISOString().replace(/[-:]/g, "");
  return `${folder}kitchen.damaged-${stamp}.sqlite3`;
}

/** The core's limits, generated from its constants. */
const {
  orderChars: MAX_ORDER_CHARS,
  clientChars: MAX_CLIENT_CHARS,
  deviceChars: MAX_DEVICE_CHARS,
  thresholdMinutes: MAX_THRESHOLD_MINUTES,
  minKeepDays: MIN_KEEP_DAYS,
  maxKeepDays: MAX_KEEP_DAYS,
  fileNameChars: MAX_FILE_NAME_CHARS,
} = LIMITS;

type Handlers = { [E in keyof Events]: Set<(payload: Events[E]) => void> };

/** Input refused because of `field`, as the app's commands refuse it. */
function invalid(field: string, message: string): BackendError {
  return new BackendError({ code: "invalid_input", message, field });
}

/** One of the core's messages, from its generated shape. */
function coreMessage(key: keyof typeof MESSAGES, values: Record<string, string | number>): string {
  return MESSAGES[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The core's "field `…` is invalid: …", naming the field. */
function invalidField(field: string, reason: string): BackendError {
  return invalid(field, coreMessage("invalid", { field, reason }));
}

/**
 * The in-memory stand-in for the core's reading of a typed order
 * (`kitchen_domain::OrderForm`): "2x Margherita (large) + olives" per line,
 * the same bounds, an error naming the field.
 */
function formContents(form: OrderForm): OrderContents | null {
  if (typeof form !== "object" || form === null || (form.lines !== undefined && !Array.isArray(form.lines))) {
    throw invalid("form", "invalid args `form` for command `new_order`: `lines` is a list of text");
  }
  const lines: OrderLine[] = (form.lines ?? [])
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((text, i) => {
      const at = (field: string, reason: string) => invalidField(field, `line ${i + 1}: ${reason}`);
      const [head, mods] = text.split(/\+(.*)/s, 2);
      const counted = /^(\d+)\s*(?:[xX×](?=\s|$))?\s+(.*)$|^(\d+)[xX×]$/.exec(head.trim());
      const quantity = counted ? Number(counted[1] ?? counted[3]) : 1;
      let item = counted ? (counted[2] ?? "") : head.trim();
      let size: string | undefined;
      const sized = /^(.*)\(([^()]*)\)\s*$/.exec(item);
      if (sized) [item, size] = [sized[1].trim(), sized[2].trim() || undefined];
      if (!(quantity >= 1 && quantity <= LIMITS.quantity)) {
        throw at("lines.quantity", `${quantity} is not from 1 to ${LIMITS.quantity}`);
      }
      if (item.trim() === "") throw at("lines.item", "empty");
      const modifiers = (mods ?? "").split(",").map((m) => m.trim()).filter((m) => m !== "");
      if (modifiers.length > LIMITS.modifiers) {
        throw invalidField("lines.modifiers", `${modifiers.length} modifiers, at most ${LIMITS.modifiers}`);
      }
      // A line's texts are checked as the rest, and their errors say which line.
      const lineText = (value: string, field: string, max: number) => {
        try {
          return required(value, field, max);
        } catch {
          const len = [...value.trim()].length;
          throw at(field, len > max ? `${len} characters, at most ${max}` : "contains control characters");
        }
      };
      return {
        quantity,
        item: lineText(item, "lines.item", LIMITS.itemChars),
        ...(size ? { size: lineText(size, "lines.size", LIMITS.sizeChars) } : {}),
        ...(modifiers.length ? { modifiers: modifiers.map((m) => lineText(m, "lines.modifiers", LIMITS.modifierChars)) } : {}),
      };
    });
  if (lines.length > LIMITS.lines) throw invalidField("lines", `${lines.length} lines, at most ${LIMITS.lines}`);
  const text = (value: string | undefined, field: string, max: number) =>
    value === undefined || value.trim() === "" ? undefined : required(value, field, max);
  const phone = text(form.phone, "phone", LIMITS.phoneChars);
  if (phone !== undefined && (!/^[\d +\-().]+$/.test(phone) || (phone.match(/\d/g) ?? []).length < 3)) {
    throw invalidField("phone", "is not a phone number (digits, spaces and + - ( ) . only)");
  }
  const contents: OrderContents = {
    ...(lines.length ? { lines } : {}),
    ...(text(form.note, "note", LIMITS.noteChars) ? { note: form.note?.trim() } : {}),
    ...(text(form.address, "address", LIMITS.addressChars) ? { address: form.address?.trim() } : {}),
    ...(phone ? { phone } : {}),
    ...(text(form.deliveryNote, "delivery_note", LIMITS.noteChars) ? { delivery_note: form.deliveryNote?.trim() } : {}),
  };
  return Object.keys(contents).length ? contents : null;
}

function required(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === "") throw invalid(field, coreMessage("empty", { field }));
  const len = [...trimmed].length;
  if (len > max) throw invalid(field, coreMessage("tooLong", { field, len, max }));
  // The core's rule: Unicode's control characters (Cc), line breaks and escapes among them.
  if (/\p{Cc}/u.test(trimmed)) throw invalidField(field, `contains control characters`);
  return trimmed;
}

/** The core's `is_loopback_url`: `localhost`, 127.0.0.0/8 or `[::1]`, with or without a port. */
function isLoopbackHost(hostAndPort: string): boolean {
  const host = hostAndPort.startsWith("[")
    ? hostAndPort.slice(1).split("]")[0]
    : hostAndPort.includes(":")
      ? hostAndPort.slice(0, hostAndPort.lastIndexOf(":"))
      : hostAndPort;
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const ROLES: readonly DeviceRole[] = ["kitchen", "driverStation", "manager"];

/** A real calendar day as `YYYY-MM-DD` (not 2026-02-30). */
function isDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
}

/** A business day argument, as the shell refuses one it cannot read. */
function checkDay(day: string): void {
  if (!isDay(day)) throw invalid("day", `field \`day\`: expected YYYY-MM-DD, got "${day}"`);
}

function optional(value: string | null): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

function resourceName(value: string, field: string): string {
  const name = required(value, field, 256);
  const bad = [...name].find((c) => !/[A-Za-z0-9._-]/.test(c));
  if (bad !== undefined) {
    throw invalidField(field, `"${bad}" is not allowed (letters, digits, '-', '_' and '.')`);
  }
  return name;
}

/** The same checks as the core's `DeviceSettings::validated`, with the same field names. */
export function validateSettings(settings: DeviceSettings): DeviceSettings {
  const deviceName = required(settings.deviceName, "deviceName", MAX_DEVICE_CHARS);
  const language = settings.language ?? null;
  if (language !== null && !(LANGUAGES as readonly string[]).includes(language)) {
    throw invalidField("language", `"${language}" is not one of ${LANGUAGES.join(", ")}`);
  }
  if (!(ROLES as readonly string[]).includes(settings.role)) {
    throw invalidField("role", `"${settings.role}" is not one of ${ROLES.join(", ")}`);
  }
  const awsRegion = optional(settings.awsRegion);
  if (awsRegion !== null && !(/^[a-z0-9-]+$/.test(awsRegion) && awsRegion.includes("-"))) {
    throw invalidField("awsRegion", `"${awsRegion}" is not a region name like eu-west-1`);
  }
  const awsProfile = optional(settings.awsProfile);
  if (awsProfile !== null && /\s/.test(awsProfile)) {
    throw invalid("awsProfile", "field `awsProfile` is invalid: a profile name has no spaces");
  }
  for (const field of ["warnAfterMinutes", "lateAfterMinutes"] as const) {
    const minutes = settings[field];
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_THRESHOLD_MINUTES) {
      throw invalidField(field, `${minutes} is not between 1 and ${MAX_THRESHOLD_MINUTES} minutes`);
    }
  }
  if (!Number.isInteger(settings.keepDays) || settings.keepDays < MIN_KEEP_DAYS || settings.keepDays > MAX_KEEP_DAYS) {
    throw invalidField("keepDays", 
      `${settings.keepDays} is not between ${MIN_KEEP_DAYS} and ${MAX_KEEP_DAYS} days`,
    );
  }
  if (settings.warnAfterMinutes >= settings.lateAfterMinutes) {
    throw invalidField("warnAfterMinutes", 
      `the warning (${settings.warnAfterMinutes} min) must come before the order is late (${settings.lateAfterMinutes} min)`,
    );
  }
  let endpointUrl = optional(settings.endpointUrl);
  if (endpointUrl !== null) {
    const match = /^(https?):\/\/(.*)$/.exec(endpointUrl);
    if (match === null) {
      throw invalidField("endpointUrl", 
        `"${endpointUrl}" must start with https:// (or http:// to this machine)`,
      );
    }
    const host = match[2].split(/[/?#]/)[0];
    if (host === "" || /\s/.test(host)) throw invalidField("endpointUrl", `"${endpointUrl}" has no host`);
    if (match[1] === "http" && !isLoopbackHost(host)) {
      throw invalidField("endpointUrl", 
        `"${endpointUrl}" would send signed requests and orders in the clear: use https:// (http:// is for this machine only)`,
      );
    }
    endpointUrl = endpointUrl.replace(/\/+$/, "");
  }
  return {
    deviceName,
    role: settings.role,
    awsProfile,
    awsRegion,
    endpointUrl,
    busName: resourceName(settings.busName, "busName"),
    tableName: resourceName(settings.tableName, "tableName"),
    deliveryQueueName: resourceName(settings.deliveryQueueName, "deliveryQueueName"),
    warnAfterMinutes: settings.warnAfterMinutes,
    lateAfterMinutes: settings.lateAfterMinutes,
    readySound: settings.readySound,
    keepDays: settings.keepDays,
    language,
  };
}

/**
 * The same checks as the shell's `check_file_name`, with the same messages:
 * a plain `.csv` name, nothing a file system or a shell reads specially.
 */
export function checkExportFileName(name: string): string {
  const bad = (reason: string) => invalid("fileName", `field \`fileName\`: ${JSON.stringify(name)} ${reason}`);
  if ([...name].length > MAX_FILE_NAME_CHARS) throw bad(`is longer than ${MAX_FILE_NAME_CHARS} characters`);
  if (!name.endsWith(".csv") || name.length <= ".csv".length) throw bad("must be a name ending in .csv");
  if (name.startsWith(".")) throw bad("must not start with a dot");
  if (!/^[A-Za-z0-9 ._-]+$/.test(name)) throw bad("may hold only letters, digits, spaces, '-', '_' and '.'");
  return name;
}

/**
 * The mock's stand-in for probing the cloud, deterministic so tests can ask for
 * each answer: an endpoint URL containing "unreachable" makes every resource
 * unreachable; otherwise a name starting with "missing-" is missing and one
 * starting with "forbidden-" is forbidden (the profile decides the credentials
 * line the same way); everything else is ok.
 */
/** The store queue's name: the core's default (the settings do not name it). */
const MOCK_STORE_QUEUE = "pizzaria-events-store";

export function mockChecks(settings: DeviceSettings): ResourceCheck[] {
  const lines: [string, string][] = [
    ["credentials", settings.awsProfile ?? "default chain"],
    ["bus", settings.busName],
    ["table", settings.tableName],
    ["index", `${settings.tableName}/by-day`],
    ["index", `${settings.tableName}/by-arrival`],
    // What only the device's role uses: a driver station's queue, a manager's dead letters.
    ...(settings.role === "driverStation" ? [["queue", settings.deliveryQueueName] as [string, string]] : []),
    ...(settings.role === "manager"
      ? ([
          ["dead letters", `${MOCK_STORE_QUEUE}-dlq`],
          ["dead letters", `${settings.deliveryQueueName}-dlq`],
        ] as [string, string][])
      : []),
    ["business day", `${SAMPLE_APP_INFO.businessDay.timeZone} from 04:00`],
  ];
  const unreachable = settings.endpointUrl?.includes("unreachable") ?? false;
  return lines.map(([resource, name]): ResourceCheck => {
    if (unreachable) {
      return { resource, name, outcome: { state: "unreachable", message: `cannot reach ${settings.endpointUrl}` } };
    }
    if (name.startsWith("missing-")) {
      return { resource, name, outcome: { state: "missing", message: `${resource} ${name} does not exist` } };
    }
    if (name.startsWith("forbidden-")) {
      return { resource, name, outcome: { state: "forbidden", message: `access denied to ${resource} ${name}` } };
    }
    return { resource, name, outcome: { state: "ok" } };
  });
}

/** In-memory stand-in for the shell, so every screen runs in a plain browser and in tests. */
export class MockBackend implements Backend {
  readonly kind = "mock";
  #appInfo: AppInfo;
  #connection: ConnectionState = {
    status: { state: "online" },
    unpublished: 0,
    rejected: 0,
    lastSync: new Date().toISOString(),
    lastCheck: new Date().toISOString(),
    clockOffsetMs: 0,
    businessDay: { ...SAMPLE_APP_INFO.businessDay },
    lastPoll: null,
    notifications: { state: "off" },
    deadLetters: null,
  };
  #settings: DeviceSettings = { ...DEFAULT_SETTINGS };
  /** Rows by business day, so a day's view does not scan the others. */
  #days = new Map<string, DayViewRow[]>();
  #claims = new Map<string, Claim>();
  #seq = 0;
  #handlers: Handlers = { "connection-changed": new Set(), "mirror-updated": new Set() };
  #damage: (DatabaseProblem & { repairMs: number; repairFails: string | null }) | null = null;

  constructor(appInfo: Partial<AppInfo> = {}) {
    this.#appInfo = { ...SAMPLE_APP_INFO, ...appInfo };
    this.#connection.businessDay = { ...this.#appInfo.businessDay };
  }

  /** The business day rule the mock files orders by. */
  get rule(): BusinessDayRule {
    const { timeZone, dayStartHour } = this.#appInfo.businessDay;
    return { zone: timeZone, startHour: dayStartHour };
  }

  async getAppInfo(): Promise<AppInfo> {
    // A copy, so a screen that edits the result cannot change what the next caller sees.
    return { ...this.#appInfo };
  }

  async getConnectionState(): Promise<ConnectionState> {
    return structuredClone(this.#connection);
  }

  async tapStatus(order: string, status: string, client: string, day: string | null): Promise<TapReceipt> {
    this.#intact();
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw invalid("status", coreMessage("unknownStatus", { value: JSON.stringify(status), statuses: STATUSES.join(", ") }));
    }
    order = required(order, "order", MAX_ORDER_CHARS);
    client = required(client, "client", MAX_CLIENT_CHARS);
    const today = businessDay(Date.now(), this.rule);
    if (day !== null && !(/^\d{4}-\d{2}-\d{2}$/.test(day) && day <= shiftDay(today, 1) && day >= shiftDay(today, -3))) {
      throw invalidField("day", `"${day}" is not a business day as YYYY-MM-DD from the last days (today is ${today})`);
    }
    const orderDay = day ?? this.#dayOf(order, today);
    this.#seq += 1;
    // After everything seen of the order, as the core's hybrid logical clock does.
    const seen = (this.#days.get(orderDay) ?? [])
      .filter((r) => r.order === order)
      .reduce((latest, r) => Math.max(latest, Date.parse(r.time)), -Infinity);
    const time = new Date(Math.max(Date.now(), seen + 1)).toISOString();
    const eventId = `mock-${this.#seq}`;
    const device = this.#settings.deviceName;
    // Newest event of each (order, status) of a day wins, as in the core's day view.
    const rows = (this.#days.get(orderDay) ?? []).filter((r) => !(r.order === order && r.status === status));
    this.#days.set(orderDay, rows);
    rows.push({
      day: orderDay,
      order,
      status,
      client,
      time,
      eventId,
      device,
      timeEventId: `${time}#${eventId}`,
      source: { source: "local", state: "published" },
    });
    this.#emit("mirror-updated", { day: orderDay });
    return { eventId, day: orderDay, order, status, client, device, seq: this.#seq, time };
  }

  async newOrder(order: string, client: string, form: OrderForm): Promise<TapReceipt> {
    this.#intact();
    const contents = formContents(form);
    const receipt = await this.tapStatus(order, "order done", client, null);
    if (contents) this.describeOrder(receipt.day, receipt.order, contents);
    return receipt;
  }

  /** The business day an order number tapped without one means: the board's order of that number, else today. */
  #dayOf(order: string, today: string): string {
    for (const day of [today, shiftDay(today, -1)]) {
      const rows = (this.#days.get(day) ?? []).filter((r) => r.order === order);
      if (rows.length === 0) continue;
      const [found] = groupOrders(rows);
      if (day === today || (found.current !== "delivered" && found.current !== "cancelled")) return day;
    }
    return today;
  }

  async listDay(day: string): Promise<DayViewRow[]> {
    this.#intact();
    checkDay(day);
    // Copies, so a screen that edits a row cannot change what the next caller sees.
    return (this.#days.get(day) ?? []).map((r) => ({ ...r, source: { ...r.source } }));
  }

  /** The rows of every open order entered in the last 24 hours, whatever its business day. */
  #openRows(): DayViewRow[] {
    this.#intact();
    const now = Date.now();
    const today = businessDay(now, this.rule);
    const rows = [shiftDay(today, -1), today].flatMap((day) => this.#days.get(day) ?? []);
    const open = new Set(
      groupOrders(rows)
        .filter((o) => o.current !== "delivered" && o.current !== "cancelled" && o.createdAt >= now - OPEN_BOUND_MS)
        .map((o) => `${o.day}#${o.order}`),
    );
    return rows.filter((r) => open.has(`${r.day}#${r.order}`));
  }

  async listBoard(): Promise<BoardView> {
    return boardAt(this.#openRows(), null);
  }

  async listBoardAt(day: string, at: string): Promise<BoardView> {
    this.#intact();
    checkDay(day);
    const cutoff = Date.parse(at);
    if (typeof at !== "string" || Number.isNaN(cutoff)) {
      throw invalid("at", `field \`at\`: expected an RFC 3339 time, got ${JSON.stringify(at)}`);
    }
    return boardAt(this.#days.get(day) ?? [], cutoff);
  }

  async listLate(day: string): Promise<LateOrder[]> {
    this.#intact();
    checkDay(day);
    const until = Math.min(Date.now(), businessDayEnd(day, this.rule));
    return lateOrders(this.#days.get(day) ?? [], this.#settings.lateAfterMinutes, until);
  }

  async listDrivers(): Promise<DriverLists> {
    return driverLists(this.#openRows());
  }

  async getSettings(): Promise<DeviceSettings> {
    this.#intact();
    return { ...this.#settings };
  }

  async saveSettings(settings: DeviceSettings): Promise<DeviceSettings> {
    this.#intact();
    this.#settings = validateSettings(settings);
    return { ...this.#settings };
  }

  async testConnection(settings: DeviceSettings): Promise<ResourceCheck[]> {
    return mockChecks(validateSettings(settings));
  }

  async claimOrder(day: string, order: string): Promise<Claim> {
    this.#intact();
    order = required(order, "order", MAX_ORDER_CHARS);
    if (!isDay(day.trim())) {
      throw invalidField("day", `"${day}" is not a day as YYYY-MM-DD`);
    }
    // Claiming twice keeps the first claim's time.
    const key = `${day.trim()}#${order}`;
    let claim = this.#claims.get(key);
    if (claim === undefined) {
      claim = { day: day.trim(), order, claimedAt: new Date().toISOString() };
      this.#claims.set(key, claim);
    }
    return { ...claim };
  }

  async listClaims(): Promise<Claim[]> {
    this.#intact();
    return [...this.#claims.values()].map((claim) => ({ ...claim }));
  }

  /** The links `openInMaps` opened, for the preview's tests: a browser page has no maps handler. */
  readonly openedLinks: string[] = [];

  async openInMaps(address: string): Promise<string> {
    if (address.trim() === "") {
      throw new BackendError({ code: "invalid_input", field: "address", message: "address: there is no address to open" });
    }
    const link = mapsLink(address);
    this.openedLinks.push(link);
    return link;
  }

  /** A browser download of the file; resolves to its name, as the browser picks the folder. */
  async saveExport(fileName: string, contents: string): Promise<string> {
    checkExportFileName(fileName);
    // Unit tests run without a page: the check is what they are after.
    if (typeof document === "undefined") return fileName;
    const url = URL.createObjectURL(new Blob([contents], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    // The download has started by then; the object URL holds the whole file in memory.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return fileName;
  }

  async getDatabaseProblem(): Promise<DatabaseProblem | null> {
    return this.#damage === null ? null : { path: this.#damage.path, detail: this.#damage.detail };
  }

  /**
   * Clears the damage, keeping every tap, claim and setting (the shell carries
   * them into the new database); the days rebuilt are those holding rows from
   * the event table, and none when the connection is offline or degraded.
   */
  async repairDatabase(): Promise<RepairReport> {
    const damage = this.#damage;
    if (damage === null) {
      throw new BackendError({
        code: "internal",
        message: `the database ${MOCK_DATABASE_PATH} is not damaged: nothing was set aside`,
      });
    }
    if (damage.repairMs > 0) await new Promise((resolve) => setTimeout(resolve, damage.repairMs));
    if (this.#damage !== damage) {
      throw new BackendError({ code: "internal", message: `the database ${damage.path} is not damaged: nothing was set aside` });
    }
    if (damage.repairFails !== null) {
      const message = damage.repairFails;
      damage.repairFails = null;
      throw new BackendError({ code: "internal", message });
    }
    this.#damage = null;
    const status = this.#connection.status;
    const mirrorError =
      status.state === "offline" || status.state === "degraded" ? `cannot reach the event table: ${status.reason}` : null;
    const daysRebuilt =
      mirrorError !== null
        ? []
        : [...this.#days].filter(([, rows]) => rows.some((r) => r.source.source === "table")).map(([day]) => day).sort();
    return {
      setAside: setAsidePath(damage.path, new Date()),
      tapsCarried: this.#connection.unpublished,
      // The device's name and settings, and its claims.
      rowsCarried: 2 + this.#claims.size,
      unreadable: null,
      daysRebuilt,
      mirrorError,
    };
  }

  async on<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void> {
    const handlers = this.#handlers[event] as Set<(payload: Events[E]) => void>;
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  /** For previews and tests: sets the connection state and tells the listeners. */
  setConnection(state: Partial<ConnectionState>): void {
    this.#connection = { ...this.#connection, ...state };
    this.#emit("connection-changed", structuredClone(this.#connection));
  }

  /**
   * For previews, browser tests and the benchmark: adds a made-up day (see
   * `demoDay`) and tells the listeners; returns the number of rows added.
   */
  seedDay(day: string, orders: number, now: Date = new Date(), options: DemoDayOptions = {}): number {
    const rows = demoDay(day, orders, now, this.rule, options);
    let kept = this.#days.get(day);
    if (kept === undefined) this.#days.set(day, (kept = []));
    kept.push(...rows);
    this.#emit("mirror-updated", { day });
    return rows.length;
  }

  /**
   * For previews and browser tests: says what an order of `day` is, on its
   * "order done" row, as an event carrying its contents would; tells the
   * listeners. Returns false when the day has no such row.
   */
  describeOrder(day: string, order: string, contents: OrderContents): boolean {
    const row = this.#days.get(day)?.find((r) => r.order === order && r.status === "order done");
    if (row === undefined) return false;
    row.contents = contents;
    this.#emit("mirror-updated", { day });
    return true;
  }

  /**
   * For previews and tests: from now on the database is damaged, as the shell
   * finds a truncated or overwritten file: every command that needs it rejects
   * with "database_damaged" until `repairDatabase` succeeds.
   */
  damageDatabase(damage: MockDamage = {}): void {
    this.#damage = {
      path: damage.path ?? MOCK_DATABASE_PATH,
      detail: damage.detail ?? "database disk image is malformed",
      repairMs: damage.repairMs ?? 0,
      repairFails: damage.repairFails ?? null,
    };
  }

  /** Refuses a command that needs the database while it is damaged, as the shell does. */
  #intact(): void {
    if (this.#damage === null) return;
    const { path, detail } = this.#damage;
    throw new BackendError({
      code: "database_damaged",
      message: `the device's database ${path} is damaged (${detail}); nothing was changed in it`,
    });
  }

  #emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const handler of this.#handlers[event] as Set<(payload: Events[E]) => void>) handler(payload);
  }
}
