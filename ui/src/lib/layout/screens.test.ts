import { describe, expect, it } from "vitest";
import { screenForRole } from "./screens";

describe("screenForRole", () => {
  it("opens each role's screen, the kitchen when the role is unknown", () => {
    expect(screenForRole("kitchen")).toBe("kitchen");
    expect(screenForRole("driverStation")).toBe("drivers");
    expect(screenForRole("manager")).toBe("manager");
    expect(screenForRole(null)).toBe("kitchen");
  });
});
