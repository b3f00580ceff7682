/** The settings part of the message catalogue: keys `settings.…`. */
export const en = {} as const;

export const pt: Record<keyof typeof en, string> = {};
