import type { RiskClass } from '../domain/filing.js';
import type { Db } from './db.js';

export interface EnterpriseRecord {
  uscc: string;
  name: string;
  region: string;
  industry: string | null;
  riskClass: RiskClass | null;
  noDisturb: boolean;
  createdAt: Date;
}

export async function insertEnterprise(trx: Db, e: Omit<EnterpriseRecord, 'createdAt'>): Promise<void> {
  await trx
    .insertInto('enterprises')
    .values({ uscc: e.uscc, name: e.name, region: e.region, industry: e.industry, risk_class: e.riskClass, no_disturb: e.noDisturb })
    .execute();
}

export async function findEnterprise(db: Db, uscc: string): Promise<EnterpriseRecord | null> {
  const r = await db.selectFrom('enterprises').selectAll().where('uscc', '=', uscc).executeTakeFirst();
  if (!r) return null;
  return {
    uscc: r.uscc,
    name: r.name,
    region: r.region,
    industry: r.industry,
    riskClass: r.risk_class,
    noDisturb: r.no_disturb,
    createdAt: r.created_at,
  };
}
