/** The shell part of the message catalogue: keys `shell.…`. */
export const en = {} as const;

export const pt: Record<keyof typeof en, string> = {};
