import { AppError } from '../domain/errors.js';
import { agencyActive } from '../store/agencies-repo.js';
import type { Db } from '../store/db.js';

// A deactivated agency writes nothing: no officers added, no filings, results, cancellations or
// joint answers, no arrivals, no grounds, no draw plans, no new keys. It still reads (its filings,
// its grounds), and an admin may still revoke its officers or reactivate it (PATCH /agencies/:id).

export const agencyInactive = (id: string) => new AppError('conflict', 'agency_inactive', { id });

/** Refuses (409) a write for or by an agency that was deactivated; an unknown agency is left to the caller. */
export async function assertAgencyActive(db: Db, agencyId: string | null | undefined): Promise<void> {
  if (agencyId && (await agencyActive(db, agencyId)) === false) throw agencyInactive(agencyId);
}
