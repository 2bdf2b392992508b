import type { Migration } from 'kysely';
import * as init from './0001_init.js';
import * as notify from './0002_filing_change_notify.js';
import * as facts from './0003_filing_facts_function.js';
import * as hardening from './0004_grounds_and_sized_facts.js';
import * as joint from './0005_joint_agency_index.js';
import * as credentials from './0006_credentials_unique.js';
import * as violations from './0007_violations_feedback_jobs.js';
import * as draws from './0008_draws.js';
import * as web from './0009_web_sessions.js';
import * as keyExpiry from './0010_key_expiry_and_revocations.js';
import * as itemWithdrawal from './0011_agency_item_withdrawal.js';
import * as functionsInOnePlace from './0012_functions_in_one_place.js';
import * as registers from './0013_registers_and_grounds.js';
import * as arrivals from './0014_arrivals_joint_and_stops.js';
import * as jointCounts from './0015_joint_acceptance_counts.js';
import * as systemFastPath from './0016_system_lookup_fast_path.js';
import * as auditSignatures from './0017_audit_signatures.js';
import * as drawPopulations from './0018_draw_populations.js';
import * as reportQuota from './0019_report_quota_index.js';
import * as accounts from './0020_accounts.js';
import * as agencyContact from './0021_agency_contact.js';
import * as reportFollowUp from './0022_report_follow_up.js';

// Listed statically (not read from disk) so that migrations run the same under tsx, a build or a test.
export const migrations: Record<string, Migration> = {
  '0001_init': init,
  '0002_filing_change_notify': notify,
  '0003_filing_facts_function': facts,
  '0004_grounds_and_sized_facts': hardening,
  '0005_joint_agency_index': joint,
  '0006_credentials_unique': credentials,
  '0007_violations_feedback_jobs': violations,
  '0008_draws': draws,
  '0009_web_sessions': web,
  '0010_key_expiry_and_revocations': keyExpiry,
  '0011_agency_item_withdrawal': itemWithdrawal,
  '0012_functions_in_one_place': functionsInOnePlace,
  '0013_registers_and_grounds': registers,
  '0014_arrivals_joint_and_stops': arrivals,
  '0015_joint_acceptance_counts': jointCounts,
  '0016_system_lookup_fast_path': systemFastPath,
  '0017_audit_signatures': auditSignatures,
  '0018_draw_populations': drawPopulations,
  '0019_report_quota_index': reportQuota,
  '0020_accounts': accounts,
  '0021_agency_contact': agencyContact,
  '0022_report_follow_up': reportFollowUp,
};
