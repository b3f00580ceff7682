import { render } from "svelte/server";
import { describe, expect, it } from "vitest";
import AboutPanel from "./AboutPanel.svelte";

describe("AboutPanel", () => {
  it("shows the name, version, store time zone and data folder it is given", () => {
    const { body } = render(AboutPanel, {
      props: {
        info: {
          name: "Kitchen Dashboard",
          version: "1.2.3",
          dataDir: "/home/cook/.local/share/com.pizzeria.kitchen-dashboard",
          storeTimeZone: "Europe/Lisbon",
        },
      },
    });

    expect(body).toContain("About this device");
    expect(body).toContain("Kitchen Dashboard");
    expect(body).toContain("1.2.3");
    expect(body).toContain("Europe/Lisbon");
    expect(body).toContain("/home/cook/.local/share/com.pizzeria.kitchen-dashboard");
  });
});
