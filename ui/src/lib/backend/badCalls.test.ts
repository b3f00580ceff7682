import { describe, expect, it } from "vitest";
import { badCalls } from "../../../../tests/bad-calls.mjs";
import { COMMAND_ARGS } from "./bindings/commands";
import { dispatch } from "./dispatch";
import { BackendError } from "./error";
import { MockBackend } from "./mock";
import { businessDay } from "../time/day";

/** Everything the in-memory backend holds that a call could change. */
async function stored(backend: MockBackend, today: string): Promise<string> {
  return JSON.stringify({
    day: await backend.listDay(today),
    board: await backend.listBoard(),
    settings: await backend.getSettings(),
    claims: await backend.listClaims(),
  });
}

describe("the in-memory backend and the app refuse the same bad calls", () => {
  it("refuses every bad call of tests/bad-calls.mjs naming what is wrong, and changes nothing", async () => {
    const backend = new MockBackend();
    const today = businessDay(Date.now(), backend.rule);
    backend.seedDay(today, 30);
    const settings = await backend.getSettings();
    const calls = badCalls({ settings, today });
    expect(Object.keys(calls).sort()).toEqual(Object.keys(COMMAND_ARGS).sort());
    const before = await stored(backend, today);
    for (const [command, bad] of Object.entries(calls)) {
      if (bad === "no arguments") continue;
      for (const [args, names] of bad) {
        const what = `${command}(${JSON.stringify(args).slice(0, 80)})`;
        const refusal = await dispatch(backend, command, args).then(
          () => null,
          (error: unknown) => error,
        );
        expect(refusal, `${what} is refused`).toBeInstanceOf(BackendError);
        const error = refusal as BackendError;
        expect(error.message, `${what} names what is wrong`).toMatch(names);
        expect(error.message).not.toContain("\n");
        if (error.code === "invalid_input") expect(error.field ?? "", `${what} carries the field`).toMatch(names);
      }
    }
    expect(await stored(backend, today)).toBe(before);
  });

  it("passes good calls through to the backend", async () => {
    const backend = new MockBackend();
    const receipt = await dispatch(backend, "tap_status", { order: "7", status: "order done", client: "Ana", day: null });
    expect(receipt).toMatchObject({ order: "7", status: "order done" });
    await expect(dispatch(backend, "no_such_command", {})).rejects.toMatchObject({ code: "internal" });
  });
});
