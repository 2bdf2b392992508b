import { expect } from 'chai';
import { sql } from 'kysely';
import { functions, triggers } from '../../src/store/functions.js';
import { harness } from '../support/harness.js';

// The functions and triggers the database runs are exactly those of src/store/functions.ts: a
// migration that redefines one without that file (or the file without a migration) fails here.
describe('the SQL functions and triggers in force (src/store/functions.ts)', () => {
  it('every function of the schema is one of the file, with its body as written there', async () => {
    const h = await harness();
    const { rows } = await sql<{ name: string; body: string; returns: string }>`
      select p.proname as name, p.prosrc as body, pg_get_function_result(p.oid) as returns
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = current_schema() and p.prokind = 'f'
      order by 1`.execute(h.runtime.store.db);
    expect(rows.map((r) => r.name).sort()).to.deep.equal(functions.map((f) => f.name).sort());
    for (const f of functions) {
      const live = rows.find((r) => r.name === f.name);
      expect(live?.body, f.name).to.equal(f.body);
      expect(live?.returns, f.name).to.equal(f.returns);
    }
  });

  it('every trigger of the schema is one of the file, on its table, calling its function', async () => {
    const h = await harness();
    const { rows } = await sql<{ name: string; table: string; fn: string }>`
      select t.tgname as name, c.relname as table, p.proname as fn
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      join pg_proc p on p.oid = t.tgfoid
      where n.nspname = current_schema() and not t.tgisinternal
      order by 1`.execute(h.runtime.store.db);
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    expect([...rows].sort(byName)).to.deep.equal([...triggers].sort(byName).map((t) => ({ name: t.name, table: t.table, fn: t.function })));
  });
});
