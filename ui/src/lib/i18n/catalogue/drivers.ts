/** The drivers part of the message catalogue: keys `drivers.…`. */
export const en = {} as const;

export const pt: Record<keyof typeof en, string> = {};
