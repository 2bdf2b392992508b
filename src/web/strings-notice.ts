// Words of the notice pages, in both languages; merged into the pages' catalogue in strings.ts.
export const noticeUi = {} as const satisfies Record<string, readonly [string, string]>;
