// Words of the form pages, in both languages; merged into the pages' catalogue in strings.ts.
export const formUi = {} as const satisfies Record<string, readonly [string, string]>;
