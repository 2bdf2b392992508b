// Words of the accounts pages, in both languages; merged into the pages' catalogue in strings.ts.
export const accountsUi = {} as const satisfies Record<string, readonly [string, string]>;
