import type { Kysely } from 'kysely';

// (filled by the work of issue 19)
export function up(_db: Kysely<unknown>): Promise<void> {
  return Promise.resolve();
}

export function down(_db: Kysely<unknown>): Promise<void> {
  return Promise.resolve();
}
