import type { DeviceRole } from "../backend";

export type Screen = "kitchen" | "drivers" | "manager" | "settings";

export const SCREENS: { screen: Screen; label: string }[] = [
  { screen: "kitchen", label: "Kitchen" },
  { screen: "drivers", label: "Drivers" },
  { screen: "manager", label: "Manager" },
  { screen: "settings", label: "Settings" },
];

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
