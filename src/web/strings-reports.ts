// Words of the reports pages, in both languages; merged into the pages' catalogue in strings.ts.
export const reportsUi = {} as const satisfies Record<string, readonly [string, string]>;
