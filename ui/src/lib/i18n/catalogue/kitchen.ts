/** The kitchen part of the message catalogue: keys `kitchen.…`. */
export const en = {} as const;

export const pt: Record<keyof typeof en, string> = {};
