import { render } from "svelte/server";
import { describe, expect, it } from "vitest";
import AboutPanel from "./AboutPanel.svelte";

describe("AboutPanel", () => {
  it("shows the name, version, business day and data folder it is given", () => {
    const { body } = render(AboutPanel, {
      props: {
        info: {
          name: "Kitchen Dashboard",
          version: "1.2.3",
          dataDir: "/home/cook/.local/share/com.pizzeria.kitchen-dashboard",
          businessDay: { timeZone: "Europe/Lisbon", dayStartHour: 4, confirmed: true },
        },
      },
    });

    expect(body).toContain("About this device");
    expect(body).toContain("Kitchen Dashboard");
    expect(body).toContain("1.2.3");
    expect(body).toContain("Europe/Lisbon, from 04:00");
    expect(body).toContain("set for the whole stack");
    expect(body).toContain("/home/cook/.local/share/com.pizzeria.kitchen-dashboard");
  });

  it("says when the business day is not confirmed by the cloud, and shows the one learnt since", () => {
    const info = {
      name: "Kitchen Dashboard",
      version: "1.2.3",
      dataDir: "/data",
      businessDay: { timeZone: "UTC", dayStartHour: 4, confirmed: false },
    };
    expect(render(AboutPanel, { props: { info } }).body).toContain("not confirmed by the cloud yet");
    const learnt = { timeZone: "America/Sao_Paulo", dayStartHour: 5, confirmed: true };
    expect(render(AboutPanel, { props: { info, businessDay: learnt } }).body).toContain("America/Sao_Paulo, from 05:00");
  });
});
