import type { Kysely } from 'kysely';
import { applyFunctions } from '../functions.js';

// From here on the functions and triggers in force are those of src/store/functions.ts; this
// replaces them with those definitions (the same as the migrations before left them).
export async function up(db: Kysely<unknown>): Promise<void> {
  await applyFunctions(db);
}

export async function down(): Promise<void> {
  // the definitions are those the earlier migrations made: nothing to undo
}
