import { expect } from 'chai';
import { sql } from 'kysely';
import { verifyTrail } from '../support/audit.js';
import { harness } from '../support/harness.js';
import { auth, file, world } from '../support/fixtures.js';

describe('audit trail and immutability', () => {
  it('every chain verifies after real traffic', async () => {
    const h = await harness();
    const w = await world();
    await file(w);
    await file(w, { itemCodes: ['NOPE'] });
    const result = await verifyTrail(h.runtime.store.db);
    expect(result.ok, JSON.stringify(result.broken)).to.equal(true);
    expect(result.events).to.be.above(5);
    expect(result.chains).to.be.above(2);
  });

  it('filings for different enterprises append to their own chains concurrently without forks', async () => {
    const h = await harness();
    const worlds = await Promise.all(Array.from({ length: 4 }, () => world()));
    const results = await Promise.all(worlds.flatMap((w) => [file(w), file(w), file(w)]));
    expect(results.map((r) => r.status)).to.deep.equal(Array(12).fill(201));
    for (const w of worlds) {
      const seqs = await h.runtime.store.db
        .selectFrom('audit_events')
        .select('seq')
        .where('chain', '=', `enterprise:${w.uscc}`)
        .orderBy('seq')
        .execute();
      expect(seqs.map((s) => s.seq)).to.deep.equal([1, 2, 3, 4]);
    }
    expect((await verifyTrail(h.runtime.store.db)).ok).to.equal(true);
  });

  it('the database refuses to edit filed content, delete a filing, or touch the audit trail', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w)).body;
    const db = h.runtime.store.db;
    const refused = async (q: Promise<unknown>) => {
      try {
        await q;
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(
      await refused(
        db
          .updateTable('filings')
          .set({ item_codes: ['OTHER'] })
          .where('id', '=', filing.id)
          .execute(),
      ),
    ).to.include('never edited in place');
    expect(await refused(db.deleteFrom('filings').where('id', '=', filing.id).execute())).to.include('never deleted');
    expect(await refused(db.updateTable('audit_events').set({ actor: 'me' }).where('entity_id', '=', filing.id).execute())).to.include(
      'append-only',
    );
    expect(await refused(db.deleteFrom('audit_events').where('entity_id', '=', filing.id).execute())).to.include('append-only');
    expect((await h.api().get(`/api/v1/filings/${filing.id}`).set(auth(w.agencyKey))).body.filing.itemCodes).to.deep.equal(['SAFE-01']);
  });

  it('names the first broken link when someone with database access rewrites history', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w)).body;
    const db = h.runtime.store.db;
    const target = await db
      .selectFrom('audit_events')
      .select(['id', 'seq', 'chain'])
      .where('entity_id', '=', filing.id)
      .executeTakeFirstOrThrow();
    // a superuser can switch the guard off; the hash chain still tells
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
    try {
      await sql`update audit_events set payload = jsonb_set(payload, '{outcome}', '"block"') where id = ${target.id}`.execute(db);
      const tampered = await verifyTrail(db);
      expect(tampered.ok).to.equal(false);
      expect(tampered.broken).to.deep.include({ chain: target.chain, seq: target.seq, eventId: Number(target.id) });
      expect(tampered.broken?.reason).to.include('altered');
      await sql`update audit_events set payload = jsonb_set(payload, '{outcome}', '"allow"') where id = ${target.id}`.execute(db);
      expect((await verifyTrail(db)).ok).to.equal(true);

      // deleting the first event of a chain breaks the sequence
      const first = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('chain', '=', target.chain)
        .where('seq', '=', 1)
        .executeTakeFirstOrThrow();
      await db.deleteFrom('audit_events').where('id', '=', first.id).execute();
      const gap = await verifyTrail(db);
      expect(gap.broken).to.deep.include({ chain: target.chain, seq: 2 });
      expect(gap.broken?.reason).to.include('missing');
      await sql`insert into audit_events (id, chain, seq, at, actor, action, entity_type, entity_id, payload, prev_hash, hash)
        values (${first.id}, ${first.chain}, ${first.seq}, ${first.at}, ${first.actor}, ${first.action}, ${first.entity_type},
                ${first.entity_id},
                ${JSON.stringify(first.payload)}::jsonb, ${first.prev_hash}, ${first.hash})`.execute(db);
      expect((await verifyTrail(db)).ok).to.equal(true);
    } finally {
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
    }
  });
});
