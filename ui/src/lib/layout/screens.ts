import type { DeviceRole } from "../backend";
import { t } from "../i18n";

export type Screen = "kitchen" | "drivers" | "manager" | "settings";

/** The screens' tabs, in order, named in the current language. */
export function screenTabs(): { screen: Screen; label: string }[] {
  return [
    { screen: "kitchen", label: t("shell.tabKitchen") },
    { screen: "drivers", label: t("shell.tabDrivers") },
    { screen: "manager", label: t("shell.tabManager") },
    { screen: "settings", label: t("shell.tabSettings") },
  ];
}

/** The screen a device opens on: the one its role is for; the kitchen when the role is unknown. */
export function screenForRole(role: DeviceRole | null | undefined): Screen {
  switch (role) {
    case "driverStation":
      return "drivers";
    case "manager":
      return "manager";
    default:
      return "kitchen";
  }
}
