import { newId } from '../domain/codes.js';
import type { Db } from '../store/db.js';
import type { FilingRow } from '../store/tables.js';
import { insertViolation } from '../store/violations-repo.js';

// Visits seen where no filing covers them. Nothing is refused, since it happened; a violation is
// raised for supervisors.

/**
 * A visit seen at a moment outside its filed window (an arrival confirmed, or a result's
 * conductedAt): nothing is refused, since it happened, but an outside_window violation is
 * raised for supervisors. Returns its id, or null when the moment is inside the window.
 */
export async function raiseIfOutsideWindow(trx: Db, f: FilingRow, seenAt: Date, what: 'arrivedAt' | 'conductedAt', raisedAt: Date): Promise<string | null> {
  if (f.planned_start <= seenAt && seenAt <= f.planned_end) return null;
  const id = newId('vio');
  await insertViolation(trx, {
    id,
    kind: 'outside_window',
    agencyId: f.agency_id,
    enterpriseUscc: f.enterprise_uscc,
    region: f.region,
    filingId: f.id,
    details: { [what]: seenAt.toISOString(), plannedStart: f.planned_start.toISOString(), plannedEnd: f.planned_end.toISOString() },
    raisedAt,
  });
  return id;
}

/** An arrival confirmed under a filing for a desk review (onSite false): an on-site visit nobody filed. */
export async function raiseDeskReviewVisit(trx: Db, f: FilingRow, arrivedAt: Date): Promise<string> {
  const id = newId('vio');
  await insertViolation(trx, {
    id,
    kind: 'unfiled_inspection',
    agencyId: f.agency_id,
    enterpriseUscc: f.enterprise_uscc,
    region: f.region,
    filingId: f.id,
    details: { arrivedAt: arrivedAt.toISOString(), reason: 'arrival under a desk-review filing (onSite false)' },
    raisedAt: arrivedAt,
  });
  return id;
}
