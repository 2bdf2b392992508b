export const ROLES = ['admin', 'supervisor', 'agency', 'enterprise', 'hotline'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, resolved from the API key. Scope fields are set only for the roles they bind. */
export interface Principal {
  keyId: string;
  role: Role;
  name: string;
  agencyId: string | null;
  uscc: string | null;
  /** division-code prefixes a supervisor may see; empty = everywhere */
  regions: string[];
}

export const inRegions = (region: string, prefixes: string[]) => prefixes.length === 0 || prefixes.some((p) => region.startsWith(p));
