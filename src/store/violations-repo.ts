import type { Db } from './db.js';

export interface NewViolation {
  id: string;
  kind: string;
  agencyId: string | null;
  enterpriseUscc: string;
  region: string;
  filingId: string | null;
  details: Record<string, unknown>;
  raisedAt: Date;
}

export async function insertViolation(trx: Db, v: NewViolation): Promise<void> {
  await trx
    .insertInto('violations')
    .values({
      id: v.id,
      kind: v.kind,
      status: 'open',
      agency_id: v.agencyId,
      enterprise_uscc: v.enterpriseUscc,
      region: v.region,
      filing_id: v.filingId,
      details: JSON.stringify(v.details),
      raised_at: v.raisedAt,
      updated_at: v.raisedAt,
    })
    .execute();
}
