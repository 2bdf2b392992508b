import { expect } from 'chai';
import { sql } from 'kysely';
import type { AuditVerification } from '../../src/services/audit-verify.js';
import { verifyTrail } from '../support/audit.js';
import { admin, auth, createAgency, unique } from '../support/fixtures.js';
import { harness } from '../support/harness.js';

// An agency's address and phone: optional, printed on the 检查告知书, changed by an administrator
// only, and on the audit trail like the rest of the agency.

class Rollback extends Error {}

/** The trail's verification after `attack` rewrote rows, in a transaction rolled back after it. */
async function afterTampering(attack: (trx: Parameters<typeof verifyTrail>[0]) => Promise<void>): Promise<AuditVerification> {
  const h = await harness();
  let result: AuditVerification | null = null;
  await h.runtime.store.db
    .transaction()
    .execute(async (trx) => {
      await attack(trx);
      result = await verifyTrail(trx);
      throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    });
  return result!;
}

const agencyBody = (over: Record<string, unknown> = {}) => ({
  code: unique('AGC'),
  name: `西丰县测试局 ${unique('')}`,
  region: '211223',
  items: [{ code: 'FOOD-01', name: '食品经营许可情况检查', basis: '《中华人民共和国食品安全法》第三十五条' }],
  ...over,
});

describe('agency address and phone', () => {
  it('are taken at registration, returned by GET, changed and cleared by PATCH, each change audited with what it was', async () => {
    const h = await harness();
    const created = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send(agencyBody({ address: '西丰县西丰镇示例路 1 号', phone: '(024) 1234-5678' }));
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ address: '西丰县西丰镇示例路 1 号', phone: '(024) 1234-5678' });
    const id = created.body.id as string;

    const read = await h.api().get(`/api/v1/agencies/${id}`).set(admin);
    expect(read.body).to.include({ address: '西丰县西丰镇示例路 1 号', phone: '(024) 1234-5678' });
    const listed = await h.api().get('/api/v1/agencies?limit=500').set(admin);
    expect((listed.body.items as { id: string; phone: string }[]).find((a) => a.id === id)?.phone).to.equal('(024) 1234-5678');

    const changed = await h.api().patch(`/api/v1/agencies/${id}`).set(admin).send({ phone: '+86 24 8765 4321' });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    expect(changed.body).to.include({ address: '西丰县西丰镇示例路 1 号', phone: '+86 24 8765 4321' });
    const cleared = await h.api().patch(`/api/v1/agencies/${id}`).set(admin).send({ address: null });
    expect(cleared.body).to.include({ address: null, phone: '+86 24 8765 4321' });
    // the same values again change nothing and record nothing
    expect((await h.api().patch(`/api/v1/agencies/${id}`).set(admin).send({ address: null, phone: '+86 24 8765 4321' })).status).to.equal(
      200,
    );

    const events = await h.runtime.store.db
      .selectFrom('audit_events')
      .select(['action', 'payload'])
      .where('entity_id', '=', id)
      .where('action', '=', 'agency.contact_changed')
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.payload)).to.deep.equal([
      { phone: { from: '(024) 1234-5678', to: '+86 24 8765 4321' } },
      { address: { from: '西丰县西丰镇示例路 1 号', to: null } },
    ]);
    const trail = await verifyTrail(h.runtime.store.db);
    expect(trail.problems.filter((p) => p.entity === `agency:${id}`)).to.deep.equal([]);
  });

  it('an agency registered without them has neither (null)', async () => {
    const h = await harness();
    const a = await createAgency();
    const read = await h.api().get(`/api/v1/agencies/${a.id}`).set(admin);
    expect(read.body).to.include({ address: null, phone: null });
  });

  it('refuses a phone that is not one and an address over 200 characters, saying what is wanted', async () => {
    const h = await harness();
    const a = await createAgency();
    for (const phone of ['1234', 'call 024-1234', '024/12345678', '-----()', '1'.repeat(31), '']) {
      const res = await h.api().patch(`/api/v1/agencies/${a.id}`).set(admin).set('Accept-Language', 'en').send({ phone });
      expect(res.status, `${phone}: ${JSON.stringify(res.body)}`).to.equal(400);
      expect(JSON.stringify(res.body.error.details), phone).to.include('/phone');
    }
    const words = await h.api().patch(`/api/v1/agencies/${a.id}`).set(admin).set('Accept-Language', 'en').send({ phone: 'call me' });
    expect(JSON.stringify(words.body.error.details)).to.include('telephone number');
    const zh = await h.api().patch(`/api/v1/agencies/${a.id}`).set(admin).send({ phone: 'call me' });
    expect(JSON.stringify(zh.body.error.details)).to.include('电话号码');
    // the field may be null, but a wrong phone is told what a phone is, not that it should be null
    expect(zh.body.error.details).to.have.length(1);
    expect(JSON.stringify(zh.body.error.details)).not.to.include('空值');
    expect(words.body.error.details).to.have.length(1);
    expect(JSON.stringify(words.body.error.details)).not.to.include('null');
    const long = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send(agencyBody({ address: '路'.repeat(201) }));
    expect(long.status).to.equal(400);
    expect(JSON.stringify(long.body.error.details)).to.include('/address');
    const blank = await h.api().patch(`/api/v1/agencies/${a.id}`).set(admin).send({ address: '   ' });
    expect(blank.status).to.equal(400);
    for (const phone of ['024-12345678', '(024) 1234 5678', '+86 138 0000 0000', '12345']) {
      const ok = await h.api().patch(`/api/v1/agencies/${a.id}`).set(admin).send({ phone });
      expect(ok.status, phone).to.equal(200);
    }
  });

  it('only an administrator changes them: an agency (even for itself), a supervisor and an enterprise are refused', async () => {
    const h = await harness();
    const a = await createAgency();
    const supervisor = await h
      .api()
      .post('/api/v1/keys')
      .set(admin)
      .send({ role: 'supervisor', name: unique('sv-'), regions: ['1101'] });
    for (const key of [a.key, supervisor.body.key as string]) {
      const res = await h.api().patch(`/api/v1/agencies/${a.id}`).set(auth(key)).send({ phone: '024-12345678' });
      expect(res.status).to.equal(403);
    }
    const created = await h
      .api()
      .post('/api/v1/agencies')
      .set(auth(a.key))
      .send(agencyBody({ phone: '024-12345678' }));
    expect(created.status).to.equal(403);
    expect((await h.api().get(`/api/v1/agencies/${a.id}`).set(admin)).body.phone).to.equal(null);
  });

  it('a contact rewritten behind the trail is named by the audit verification', async () => {
    const h = await harness();
    const created = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send(agencyBody({ phone: '024-12345678' }));
    const id = created.body.id as string;
    const r = await afterTampering(async (trx) => {
      await sql`alter table agencies disable trigger user`.execute(trx);
      await sql`update agencies set phone = '024-99999999', address = '别处' where id = ${id}`.execute(trx);
    });
    const said = r.problems
      .filter((p) => p.entity === `agency:${id}`)
      .map((p) => p.reason)
      .join('\n');
    expect(said).to.include('phone "024-99999999", the trail says "024-12345678"').and.include('address "别处", the trail says ""');
  });
});
