import { describe, expect, it } from "vitest";
import { mapsLink } from "./maps";

describe("the maps link of an address", () => {
  it("is a geo: query with the address encoded whole", () => {
    expect(mapsLink(" Rua Augusta, 1200 ap. 31 ")).toBe("geo:0,0?q=Rua%20Augusta%2C%201200%20ap.%2031");
  });

  it("cannot be turned into another link by what the address says", () => {
    const link = mapsLink("x&q=1#https://example.com/?a=b");
    const query = link.slice("geo:0,0?q=".length);
    expect(link.startsWith("geo:0,0?q=")).toBe(true);
    expect(query).not.toMatch(/[&#?/:]/);
    expect(decodeURIComponent(query)).toBe("x&q=1#https://example.com/?a=b");
  });
});
