import { describe, expect, it } from "vitest";
import { at, row } from "../orders/fixtures";
import { csvField, csvFileName, dayCsv } from "./csv";

describe("csvField", () => {
  it("leaves plain text alone", () => {
    expect(csvField("Ana")).toBe("Ana");
    expect(csvField("")).toBe("");
  });

  it("quotes commas, quotes and line breaks, doubling the quotes", () => {
    expect(csvField("Smith, J.")).toBe('"Smith, J."');
    expect(csvField('The "Boss"')).toBe('"The ""Boss"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rlf")).toBe('"cr\rlf"');
  });

  it("keeps a formula as text: a leading quote before =, +, -, @, a tab or a carriage return", () => {
    expect(csvField('=HYPERLINK("http://evil.example","Ana")')).toBe(`"'=HYPERLINK(""http://evil.example"",""Ana"")"`);
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+5511999999999")).toBe("'+5511999999999");
    expect(csvField("-2")).toBe("'-2");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tcmd")).toBe("'\tcmd");
    expect(csvField("\rcmd")).toBe(`"'\rcmd"`);
    expect(csvField("Ana = chef")).toBe("Ana = chef");
    expect(csvField("2026-03-14T12:00:00.000Z")).toBe("2026-03-14T12:00:00.000Z");
  });
});

describe("dayCsv", () => {
  it("writes a header and one line per event in time order, with CRLF line ends", () => {
    const rows = [row("2", "preparing", at(12, 5), 'Smith, "J"'), row("1", "order done", at(12, 0))];
    rows[1].device = null;
    const lines = dayCsv(rows).split("\r\n");
    expect(lines[0]).toBe("order,status,client,time,event_id,device");
    expect(lines[1]).toBe(`1,order done,Ana,${at(12, 0)},${rows[1].eventId},`);
    expect(lines[2]).toBe(`2,preparing,"Smith, ""J""",${at(12, 5)},${rows[0].eventId},oven-1`);
    expect(lines[3]).toBe("");
    expect(lines).toHaveLength(4);
  });

  it("writes a formula client name as text", () => {
    const rows = [row("7", "order done", at(12, 0), "=cmd|' /C calc'!A0")];
    const lines = dayCsv(rows).split("\r\n");
    expect(lines[1]).toBe(`7,order done,'=cmd|' /C calc'!A0,${at(12, 0)},${rows[0].eventId},oven-1`);
  });

  it("names the file after the day", () => {
    expect(csvFileName("2026-03-14")).toBe("kitchen-2026-03-14.csv");
  });
});
