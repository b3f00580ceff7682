import type { CommandError } from "./bindings/CommandError";
import type { ErrorCode } from "./bindings/ErrorCode";

/** A failed command: `code` is what a screen acts on, `message` what it shows. */
export class BackendError extends Error {
  readonly code: ErrorCode;
  /** The input field an "invalid_input" error is about, when there is one. */
  readonly field: string | null;

  constructor(error: Omit<CommandError, "field"> & { field?: string | null }) {
    super(error.message);
    this.name = "BackendError";
    this.code = error.code;
    this.field = error.field ?? null;
  }
}

/** Commands reject with `{code, message}`; anything else becomes an internal error. */
export function toBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    return new BackendError(error as CommandError);
  }
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
  return new BackendError({ code: "internal", message });
}

/** The field an "invalid_input" error is about, as the command says it, if any. */
export function errorField(error: unknown): string | null {
  if (!(error instanceof BackendError) || error.code !== "invalid_input") return null;
  return error.field;
}

/** True for the rejection of a command refused because the device's database file is damaged. */
export function isDatabaseDamaged(error: unknown): error is BackendError {
  return error instanceof BackendError && error.code === "database_damaged";
}

/** What a screen shows for a failed command. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
