/** See bad-calls.mjs. */
export function badCalls(context: {
  settings: Record<string, unknown>;
  today: string;
}): Record<string, [Record<string, unknown>, RegExp][] | "no arguments">;
