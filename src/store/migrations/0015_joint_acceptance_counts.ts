import type { Kysely } from 'kysely';
import { applyFunctions } from '../functions.js';

// A joint agency is on a visit, for its caps, once it accepted: filing_facts reads the joint
// agencies of earlier filings from their answers (joint_responses), not from the lead's naming;
// and a ground's uses count per agency and enterprise, emergencies citing its trigger included.
export async function up(db: Kysely<unknown>): Promise<void> {
  await applyFunctions(db);
}

export async function down(): Promise<void> {
  // the definitions in force are those of functions.ts: nothing to undo
}
