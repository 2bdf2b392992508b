import { expect } from 'chai';
import { sql } from 'kysely';
import type { Principal } from '../../src/domain/principal.js';
import type { FilingCreateBody } from '../../src/domain/schemas.js';
import { verifyTrail } from '../support/audit.js';
import { harness } from '../support/harness.js';
import { createEnterprise, filingBody, registerGround, world } from '../support/fixtures.js';

describe('filings that share a transaction (group commit)', () => {
  it('a database failure of one filing is reported to it alone; the others of its batch are filed', async () => {
    const h = await harness();
    const db = h.runtime.store.db;
    const w = await world();
    const principal: Principal = { keyId: 'test', role: 'agency', name: 't', agencyId: w.agencyId, uscc: null, regions: [] };
    const usccs = await Promise.all(Array.from({ length: 8 }, () => createEnterprise()));
    // an injected database fault for one filing only
    await sql`create function test_explode() returns trigger language plpgsql as $$
      begin if new.reason = 'explode-now' then raise exception 'injected failure'; end if; return new; end $$`.execute(db);
    await sql`create trigger test_explode before insert on filings for each row execute function test_explode()`.execute(db);
    try {
      const bodies = usccs.map((uscc, i) => filingBody({ ...w, uscc }, i === 7 ? { reason: 'explode-now' } : {}) as FilingCreateBody);
      // submitted in one tick: the first two start batches, the other six queue and share one
      const settled = await Promise.allSettled(bodies.map((b) => h.runtime.services.filings.file(principal, b)));
      expect(settled.slice(0, 7).map((s) => s.status)).to.deep.equal(Array(7).fill('fulfilled'));
      expect(settled[7]?.status).to.equal('rejected');
      expect(String((settled[7] as PromiseRejectedResult).reason)).to.include('injected failure');
      expect(h.logs.text()).to.include('filing batch failed; retrying its filings one by one');
      const filed = await db.selectFrom('filings').select('enterprise_uscc').where('enterprise_uscc', 'in', usccs).execute();
      expect(filed.map((f) => f.enterprise_uscc).sort()).to.deep.equal(usccs.slice(0, 7).sort());
    } finally {
      await sql`drop trigger test_explode on filings`.execute(db);
      await sql`drop function test_explode()`.execute(db);
    }
    expect((await verifyTrail(db)).ok).to.equal(true);
  });

  it('two filings for one enterprise never share a batch: the second sees the first', async () => {
    const h = await harness();
    const w = await world();
    const principal: Principal = { keyId: 'test', role: 'agency', name: 't', agencyId: w.agencyId, uscc: null, regions: [] };
    // case inspections are outside the annual cap (the alerts only warn), so all six are filed
    await registerGround(w.uscc, { reference: '12345-2026-000001', maxVisits: 6 });
    const body = filingBody(w, {
      type: 'case',
      reason: '投诉举报核查',
      trigger: { kind: 'complaint', reference: '12345-2026-000001' },
    }) as FilingCreateBody;
    const results = await Promise.all(Array.from({ length: 6 }, () => h.runtime.services.filings.file(principal, body)));
    const seqs = await h.runtime.store.db
      .selectFrom('audit_events')
      .select('seq')
      .where('chain', '=', `enterprise:${w.uscc}`)
      .orderBy('seq')
      .execute();
    // the ground's registration, then the six filings, one after another on the enterprise's chain
    expect(seqs.map((s) => s.seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(results.map((r) => r.filing.filingNo)).size).to.equal(6);
  });
});
