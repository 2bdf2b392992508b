import { newId } from '../domain/codes.js';
import type { Db } from '../store/db.js';
import type { FilingRow } from '../store/tables.js';
import { insertViolation } from '../store/violations-repo.js';

// Visits seen where no filing covers them: an arrival or a result outside the filed window, or
// inspectors at the door under a desk-review filing. Nothing is refused, since it happened; a
// violation is raised for supervisors.

/**
 * The violation a visit seen at `seenAt` under this filing raises, if any, and its id:
 * `unfiled_inspection` for inspectors arriving under a desk review (onSite false: the visit
 * itself was never filed), `outside_window` outside the filed window, none inside it. (A desk
 * review's result is no visit.)
 */
export async function raiseUnfiledVisit(trx: Db, f: FilingRow, seenAt: Date, what: 'arrivedAt' | 'conductedAt', raisedAt: Date): Promise<string | null> {
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
