/** The manager part of the message catalogue: keys `manager.…`. */
export const en = {} as const;

export const pt: Record<keyof typeof en, string> = {};
