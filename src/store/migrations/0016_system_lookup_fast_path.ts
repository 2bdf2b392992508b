import type { Kysely } from 'kysely';
import { applyFunctions } from '../functions.js';

// filing_facts looks an agency's enforcement system up only when it has a parent or children:
// most agencies are a system of their own, and the tree walk cost every filing a little.
export async function up(db: Kysely<unknown>): Promise<void> {
  await applyFunctions(db);
}

export async function down(): Promise<void> {
  // the definitions in force are those of functions.ts: nothing to undo
}
