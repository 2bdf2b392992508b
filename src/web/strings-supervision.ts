// Words of the supervision pages, in both languages; merged into the pages' catalogue in strings.ts.
export const supervisionUi = {} as const satisfies Record<string, readonly [string, string]>;
