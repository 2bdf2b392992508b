import { sql, type RawBuilder } from 'kysely';
import type { Decision } from '../domain/decision.js';
import type { Db } from './db.js';

export interface AttemptFilter {
  kind?: 'blocked' | 'warned' | undefined;
  regions?: string[] | undefined;
  agencyId?: string | undefined;
  uscc?: string | undefined;
  finding?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AttemptRow {
  kind: 'blocked' | 'warned';
  id: string;
  agency_id: string;
  enterprise_uscc: string;
  region: string;
  at: Date;
  filing_no: string | null;
  decision: Decision;
}

/** The conditions both branches share, on an alias `x` with columns agency_id, enterprise_uscc, region and `at`. */
function where(f: AttemptFilter, at: RawBuilder<unknown>, alias: string): RawBuilder<unknown> {
  const t = sql.raw(alias);
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (f.agencyId) parts.push(sql`${t}.agency_id = ${f.agencyId}`);
  if (f.uscc) parts.push(sql`${t}.enterprise_uscc = ${f.uscc}`);
  if (f.from) parts.push(sql`${at} >= ${f.from}`);
  if (f.to) parts.push(sql`${at} < ${f.to}`);
  if (f.finding) parts.push(sql`d.findings @> ${JSON.stringify([{ ruleId: f.finding }])}::jsonb`);
  if (f.regions?.length)
    parts.push(
      sql`(${sql.join(
        f.regions.map((p) => sql`${t}.region like ${`${p}%`}`),
        sql` or `,
      )})`,
    );
  return sql.join(parts, sql` and `);
}

/** Blocked attempts and filings made with warnings, newest first. */
export async function listAttempts(
  db: Db,
  f: AttemptFilter,
  page: { limit: number; after: { at: Date; id: string } | null },
): Promise<AttemptRow[]> {
  const branches: RawBuilder<unknown>[] = [];
  const decision = sql`jsonb_build_object('outcome', d.outcome, 'findings', d.findings, 'ruleSets', d.rule_sets,
    'evaluatedAt', d.evaluated_at)`;
  if (f.kind !== 'warned') {
    branches.push(sql`
      select 'blocked' as kind, a.id, a.agency_id, a.enterprise_uscc, a.region, a.attempted_at as at, null::text as filing_no,
        ${decision} as decision
      from filing_attempts a join decisions d on d.id = a.decision_id where ${where(f, sql`a.attempted_at`, 'a')}`);
  }
  if (f.kind !== 'blocked') {
    branches.push(sql`
      select 'warned' as kind, fl.id, fl.agency_id, fl.enterprise_uscc, fl.region, fl.filed_at as at, fl.filing_no,
        ${decision} as decision
      from filings fl join decisions d on d.id = fl.decision_id where d.outcome = 'warn' and ${where(f, sql`fl.filed_at`, 'fl')}`);
  }
  const after = page.after ? sql`where (x.at, x.id) < (${page.after.at}, ${page.after.id})` : sql``;
  const r = await sql<AttemptRow>`
    select * from (${sql.join(branches, sql` union all `)}) x ${after}
    order by x.at desc, x.id desc limit ${page.limit}`.execute(db);
  return r.rows.map((row) => ({ ...row, at: new Date(row.at) }));
}
