import { expect } from 'chai';
import pg from 'pg';
import { sql } from 'kysely';
import { migrateToLatest, openStore } from '../../src/store/db.js';
import { harness } from '../support/harness.js';

describe('store: the schema of the search path', () => {
  it('migrates into the schema its search_path names, even when public already has the migrations', async function () {
    const url = process.env.DATABASE_URL;
    if (!url) this.skip();
    // the suite's own database is migrated in public: Kysely's bookkeeping tables are there
    await harness();
    const schema = `county_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema ${schema}`);
      const scoped = new URL(url);
      scoped.searchParams.set('options', `-c search_path=${schema}`);
      const store = await openStore({ databaseUrl: scoped.toString(), dataDir: '' });
      try {
        const applied = await migrateToLatest(store.db);
        expect(applied.length).to.be.above(5);
        const { rows } = await sql<{ n: string }>`
          select count(*)::text as n from information_schema.tables
          where table_schema = ${schema} and table_name in ('filings', 'kysely_migration')`.execute(store.db);
        expect(rows[0]?.n).to.equal('2');
        // and again: nothing left to apply
        expect(await migrateToLatest(store.db)).to.deep.equal([]);
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  });
});
