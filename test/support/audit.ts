import { auditKey, type AuditKeyring } from '../../src/domain/audit-signing.js';
import { verifyAuditTrail, type AuditVerification, type PublishedRoot } from '../../src/services/audit-verify.js';
import type { Db } from '../../src/store/db.js';
import { AUDIT_KEY } from './harness.js';

/** The run's audit key, as `audit verify` would load it. */
export const testKeyring = (): AuditKeyring => ({ current: auditKey(process.env.AUDIT_KEY ?? AUDIT_KEY), retired: [] });

/** Verifies a trail with the run's audit key. */
export const verifyTrail = (db: Db, against?: PublishedRoot): Promise<AuditVerification> =>
  verifyAuditTrail(db, testKeyring(), against ? { against } : {});
