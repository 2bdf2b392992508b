import { newId } from '../domain/codes.js';
import { violationAuditActions } from '../domain/violation.js';
import type { Db } from '../store/db.js';
import { findEnterprise } from '../store/enterprises-repo.js';
import type { FilingRow } from '../store/tables.js';
import { insertViolation, insertViolationsOnce } from '../store/violations-repo.js';
import { lockEnterprise } from '../store/locks.js';
import { chains, record } from './audit.js';
import { assertReportQuota } from './report-quota.js';

// Visits seen where no filing covers them: an arrival or a result outside the filed window, or
// inspectors at the door under a desk-review filing. Nothing is refused, since it happened; a
// violation is raised for supervisors.

/**
 * The violation a visit seen at `seenAt` under this filing raises, if any, and its id:
 * `unfiled_inspection` for inspectors arriving under a desk review (onSite false: the visit
 * itself was never filed), `outside_window` outside the filed window, none inside it. (A desk
 * review's result is no visit.)
 */
export async function raiseUnfiledVisit(
  trx: Db,
  f: FilingRow,
  seenAt: Date,
  what: 'arrivedAt' | 'conductedAt',
  raisedAt: Date,
): Promise<string | null> {
  const deskReviewVisit = !f.on_site && what === 'arrivedAt';
  if (!deskReviewVisit && f.planned_start <= seenAt && seenAt <= f.planned_end) return null;
  const id = newId('vio');
  await insertViolation(trx, {
    id,
    kind: deskReviewVisit ? 'unfiled_inspection' : 'outside_window',
    agencyId: f.agency_id,
    enterpriseUscc: f.enterprise_uscc,
    region: f.region,
    filingId: f.id,
    details: deskReviewVisit
      ? { [what]: seenAt.toISOString(), reason: 'a visit under a desk-review filing (onSite false)' }
      : { [what]: seenAt.toISOString(), plannedStart: f.planned_start.toISOString(), plannedEnd: f.planned_end.toISOString() },
    raisedAt,
  });
  return id;
}

/**
 * An enterprise confirms inspectors at its door on a code that no filing has, or on a cancelled
 * filing's code: the visit is unfiled. Raised once per enterprise and code (a second scan of the
 * same code is the same visit); returns the violation's id.
 */
export async function raiseUnfiledArrival(
  db: Db,
  a: { uscc: string; code: string; filing: FilingRow | null; codeOf?: FilingRow | null; at: Date; actor: string },
  quota: { tz: string; limit: number },
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    await lockEnterprise(trx, a.uscc);
    const dedupeKey = a.filing ? `unfiled_arrival:${a.filing.id}` : `unfiled_arrival:${a.uscc}:${a.code}`;
    // the same code scanned again is the same visit; a new one counts as one of the day's reports
    const before = await trx.selectFrom('violations').select('id').where('dedupe_key', '=', dedupeKey).executeTakeFirst();
    if (before) return before.id;
    await assertReportQuota(trx, a.uscc, a.at, quota.tz, quota.limit);
    const enterprise = await findEnterprise(trx, a.uscc);
    const [row] = await insertViolationsOnce(trx, [
      {
        id: newId('vio'),
        kind: 'unfiled_inspection',
        source: 'report',
        // another enterprise's valid code shown at this door: the visit here is unfiled, and the
        // agency whose code it is answers for it
        agencyId: (a.filing ?? a.codeOf)?.agency_id ?? null,
        enterpriseUscc: a.uscc,
        region: a.filing?.region ?? enterprise?.region ?? '',
        filingId: (a.filing ?? a.codeOf)?.id ?? null,
        details: a.filing
          ? { arrivedAt: a.at.toISOString(), reason: 'arrival confirmed on a cancelled filing', code: a.code }
          : a.codeOf
            ? { arrivedAt: a.at.toISOString(), reason: "arrival confirmed on another enterprise's code", code: a.code }
            : { arrivedAt: a.at.toISOString(), reason: 'arrival confirmed on a code no filing has', code: a.code },
        occurredAt: a.at,
        raisedAt: a.at,
        raisedBy: a.actor,
        dedupeKey,
      },
    ]);
    if (!row) {
      const before = await trx.selectFrom('violations').select('id').where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow();
      return before.id;
    }
    await record(trx, {
      chain: chains.enterprise(a.uscc),
      at: a.at,
      actor: a.actor,
      action: violationAuditActions.reported,
      entityType: 'violation',
      entityId: row.id,
      payload: { kind: row.kind, code: a.code, filingId: row.filing_id },
    });
    return row.id;
  });
}
