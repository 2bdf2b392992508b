import { expect } from 'chai';
import { sql } from 'kysely';
import { addDays, localDate } from '../../src/domain/calendar.js';
import type { AuditVerification, PublishedRoot } from '../../src/services/audit-verify.js';
import type { Db } from '../../src/store/db.js';
import { verifyTrail } from '../support/audit.js';
import { cli } from '../support/cli.js';
import { ADMIN_KEY, harness } from '../support/harness.js';
import { auth, file, world, type World } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const admin = auth(ADMIN_KEY);
class Rollback extends Error {}

/**
 * Runs an attack by whoever holds the database (triggers switched off, rows rewritten) and the
 * verification after it, in one transaction that is rolled back: the run's database stays whole.
 */
async function underAttack(attack: (trx: Db) => Promise<void>, against?: PublishedRoot): Promise<AuditVerification> {
  const h = await harness();
  let result: AuditVerification | null = null;
  await h.runtime.store.db
    .transaction()
    .execute(async (trx) => {
      await attack(trx);
      result = await verifyTrail(trx, against);
      throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    });
  return result!;
}

const off = (trx: Db, table: string) => sql`alter table ${sql.table(table)} disable trigger user`.execute(trx);
const reasons = (r: AuditVerification) => r.problems.map((p) => p.reason);

/** The problems that concern one world (the run's database holds other tests' deliberate oddities). */
const about = (r: AuditVerification, ...needles: string[]) => reasons(r).filter((x) => needles.some((n) => x.includes(n)));

describe('audit trail against whoever holds the database', () => {
  let w: World;
  let filingId: string;
  let chain: string;
  before(async () => {
    w = await world();
    const f = await file(w, { reason: '年度安全检查' });
    expect(f.status).to.equal(201);
    filingId = f.body.filing.id;
    chain = `enterprise:${w.uscc}`;
    await file(w, { itemCodes: ['NOPE'] });
  });

  it('a chain written through the service verifies, its head signed with the audit key', async () => {
    const h = await harness();
    const r = await verifyTrail(h.runtime.store.db);
    expect(about(r, w.uscc, filingId)).to.deep.equal([]);
    const head = await h.runtime.store.db.selectFrom('audit_heads').selectAll().where('chain', '=', chain).executeTakeFirstOrThrow();
    // registered, filed, blocked
    expect(head.seq).to.equal(3);
    expect(head.key_id).to.equal(h.runtime.auditKeyring.current.id);
  });

  it('refuses TRUNCATE on audited tables with the triggers on', async () => {
    for (const table of ['audit_events', 'audit_heads', 'filings', 'violations', 'api_keys']) {
      const refused = await underAttack(async (trx) => {
        await sql`truncate ${sql.table(table)} cascade`.execute(trx);
      }).catch((e: Error) => e.message);
      expect(refused, table).to.be.a('string').and.include('TRUNCATE refused');
    }
  });

  it('a truncated trail fails: the heads and the filings it spoke for are named', async () => {
    const r = await underAttack(async (trx) => {
      await off(trx, 'audit_events');
      await sql`truncate audit_events`.execute(trx);
    });
    expect(r.ok).to.equal(false);
    expect(r.events).to.equal(0);
    expect(about(r, chain)).to.satisfy((x: string[]) => x.some((m) => m.includes('is gone')));
    expect(about(r, filingId)).to.satisfy((x: string[]) => x.some((m) => m.includes('no filing.filed event')));
  });

  it('deleting the tail of a chain fails against its signed head, and a head rewritten to match fails its signature', async () => {
    const cut = await underAttack(async (trx) => {
      await off(trx, 'audit_events');
      await sql`delete from audit_events where chain = ${chain} and seq = 3`.execute(trx);
    });
    expect(about(cut, chain)).to.include(`chain "${chain}" has 2 events, its signed head says 3: events were deleted`);
    const forged = await underAttack(async (trx) => {
      await off(trx, 'audit_events');
      await sql`delete from audit_events where chain = ${chain} and seq = 3`.execute(trx);
      await sql`update audit_heads set seq = 2, hash = (select hash from audit_events where chain = ${chain} and seq = 2)
        where chain = ${chain}`.execute(trx);
    });
    expect(about(forged, chain).join('\n')).to.include('its signature does not match');
  });

  it('a whole chain deleted with its head fails against the signed daily root', async () => {
    const h = await harness();
    const day = addDays(localDate(h.clock.now(), 'Asia/Shanghai'), -777);
    const run = await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: day });
    expect(run.status, JSON.stringify(run.body)).to.equal(200);
    const r = await underAttack(async (trx) => {
      await off(trx, 'audit_events');
      await off(trx, 'audit_heads');
      await sql`delete from audit_events where chain = ${chain}`.execute(trx);
      await sql`delete from audit_heads where chain = ${chain}`.execute(trx);
    });
    expect(about(r, chain).join('\n')).to.include('is gone with its head');
  });

  it('a rewritten filing.filed reason, re-chained with fresh SHA-256 hashes, fails against the signed head', async () => {
    const r = await underAttack(async (trx) => {
      await off(trx, 'audit_events');
      await sql`update audit_events set payload = jsonb_set(payload, '{body,reason}', '"企业要求"')
        where chain = ${chain} and entity_id = ${filingId}`.execute(trx);
      // recompute every hash of the chain after it, exactly as the service computes them
      for (const seq of [2, 3]) {
        await sql`update audit_events e set
            prev_hash = coalesce((select hash from audit_events p where p.chain = e.chain and p.seq = e.seq - 1), ${'0'.repeat(64)}),
            hash = encode(sha256(convert_to(concat_ws(E'\n',
              coalesce((select hash from audit_events p where p.chain = e.chain and p.seq = e.seq - 1), ${'0'.repeat(64)}),
              e.chain, e.seq::text, floor(extract(epoch from e.at) * 1000000)::bigint::text, e.actor, e.action, e.entity_type,
              e.entity_id, e.payload::text), 'UTF8')), 'hex')
          where e.chain = ${chain} and e.seq = ${seq}`.execute(trx);
      }
    });
    expect(r.broken, 'the hashes themselves were made to agree').to.equal(null);
    expect(about(r, chain)).to.include(`chain "${chain}" ends in another event than its signed head: it was rewritten`);
  });

  it('rows changed behind the trail are named: a violation dismissed, a filing moved, a key planted', async () => {
    const h = await harness();
    const report = await h
      .api()
      .post('/api/v1/reports')
      .set(auth(w.enterpriseKey))
      .send({
        kind: 'conduct',
        occurredAt: new Date(h.clock.now().getTime() - 3_600_000).toISOString(),
        agencyId: w.agencyId,
        conductRuleIds: ['conduct.N1'],
        description: '检查人员索要财物，要求企业购买指定产品',
      });
    expect(report.status, JSON.stringify(report.body)).to.equal(201);
    const violationId = report.body.violationId as string;
    const r = await underAttack(async (trx) => {
      for (const t of ['violations', 'filings', 'api_keys']) await off(trx, t);
      await sql`update violations set status = 'dismissed' where id = ${violationId}`.execute(trx);
      await sql`update filings set planned_start = planned_start + interval '30 days' where id = ${filingId}`.execute(trx);
      await sql`insert into api_keys (id, key_hash, role, name) values ('key_planted', ${'f'.repeat(64)}, 'admin', 'ops')`.execute(trx);
      // and a known secret swapped into the enterprise's existing key
      await sql`update api_keys set key_hash = ${'a'.repeat(64)} where uscc = ${w.uscc}`.execute(trx);
    });
    expect(about(r, violationId).join('\n')).to.include('"dismissed", the trail says "open"');
    expect(about(r, filingId).join('\n')).to.include('planned start');
    expect(about(r, 'key_planted').join('\n')).to.include('planted');
    const keyId = (await h.runtime.store.db.selectFrom('api_keys').select('id').where('uscc', '=', w.uscc).executeTakeFirstOrThrow()).id;
    expect(about(r, keyId).join('\n')).to.include('its secret was replaced');
  });

  it('more rows changed or deleted behind the trail: a key widened, a filing gone, an officer and the registers edited', async () => {
    const h = await harness();
    const supervisor = await h
      .api()
      .post('/api/v1/keys')
      .set(admin)
      .send({
        role: 'supervisor',
        name: '督查',
        regions: ['2112'],
        expiresAt: new Date(h.clock.now().getTime() + 86_400_000).toISOString(),
      });
    expect(supervisor.status).to.equal(201);
    const r = await underAttack(async (trx) => {
      for (const t of ['api_keys', 'filings', 'inspectors', 'enterprises', 'agencies']) await off(trx, t);
      await sql`update api_keys set regions = '{}', expires_at = null where id = ${supervisor.body.id}`.execute(trx);
      await sql`delete from joint_responses where filing_id = ${filingId}`.execute(trx);
      await sql`delete from filing_arrivals where filing_id = ${filingId}`.execute(trx);
      await sql`update draw_assignments set filing_id = null where filing_id = ${filingId}`.execute(trx);
      await sql`update violations set filing_id = null where filing_id = ${filingId}`.execute(trx);
      await sql`delete from filings where id = ${filingId}`.execute(trx);
      await sql`update inspectors set credential_no = 'LN-FORGED-0001' where id = ${w.inspectorIds[0]}`.execute(trx);
      await sql`update enterprises set no_disturb = not no_disturb where uscc = ${w.uscc}`.execute(trx);
      await sql`update agencies set active = false where id = ${w.agencyId}`.execute(trx);
    });
    expect(about(r, supervisor.body.id).join('\n')).to.include('regions (all), the trail says 2112').and.include('expiry none');
    expect(about(r, filingId).join('\n')).to.include('gone from its table: it was deleted');
    expect(about(r, w.inspectorIds[0]!).join('\n')).to.include('its credential number');
    expect(about(r, `enterprise ${w.uscc}`).join('\n')).to.include('no-disturb');
    expect(about(r, `agency ${w.agencyId}`).join('\n')).to.include('deactivated without an event');
  });

  it('an account whose password or activation code was swapped in the table, or an account planted there, is named', async () => {
    const h = await harness();
    const issued = await h.api().post(`/api/v1/enterprises/${w.uscc}/activation`).set(admin).send();
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    const done = await h
      .api()
      .post('/api/v1/accounts/activate')
      .send({ uscc: w.uscc, code: issued.body.code, password: 'correct horse 2026' });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    const account = await h.runtime.store.db
      .selectFrom('accounts')
      .select(['id', 'key_id'])
      .where('login', '=', w.uscc)
      .executeTakeFirstOrThrow();
    expect(about(await verifyTrail(h.runtime.store.db), account.id)).to.deep.equal([]);
    const swapped = await underAttack(async (trx) => {
      // whoever holds the database sets a password they know, and plants a code for a staff login
      await sql`update accounts set password_hash = ${'scrypt$32768$8$1$AAAA$BBBB'} where id = ${account.id}`.execute(trx);
    });
    expect(about(swapped, account.id).join('\n')).to.include('its password was replaced');
    const planted = await underAttack(async (trx) => {
      await sql`update accounts set code_hash = ${'c'.repeat(64)}, code_spent_at = null where id = ${account.id}`.execute(trx);
      await off(trx, 'api_keys');
      await sql`insert into api_keys (id, key_hash, role, name) values ('key_for_acc', ${'e'.repeat(64)}, 'admin', 'ops')`.execute(trx);
      await sql`insert into accounts (id, login, key_id, password_hash) values ('acc_planted', 'ops', 'key_for_acc', 'x')`.execute(trx);
    });
    expect(about(planted, account.id).join('\n')).to.include('activation code set without an event');
    expect(about(planted, 'acc_planted').join('\n')).to.include('planted');
  });

  it("the digest carries the day's signed root; verify --against it fails once the roots are cut back", async () => {
    const h = await harness();
    const day = addDays(localDate(h.clock.now(), 'Asia/Shanghai'), -778);
    expect((await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: day })).status).to.equal(200);
    const digest = await h.api().get(`/api/v1/digests/${day}`).set(admin);
    expect(digest.status).to.equal(200);
    const root = digest.body.auditRoot as PublishedRoot;
    expect(root).to.include({ day, keyId: h.runtime.auditKeyring.current.id });
    const dir = await tempDir('digest');
    const saved = join(dir, 'digest.json');
    await writeFile(saved, JSON.stringify(digest.body));
    const checked = await cli('audit', 'verify', '--against', saved);
    expect(checked.err).to.not.include(`root ${root.seq}`);
    // the mail itself will do: its root line
    const mail = await h.api().get(`/api/v1/digests/${day}?format=html`).set(admin);
    expect(mail.text).to.include(`audit root #${root.seq} (${day}): ${root.root}`);
    const mailed = join(dir, 'digest.html');
    await writeFile(mailed, mail.text);
    const fromMail = await cli('audit', 'verify', '--against', mailed);
    expect(fromMail.code, fromMail.err).to.be.oneOf([0, 1]);
    expect(fromMail.err).to.not.include('holds no audit root').and.not.include(`root ${root.seq}`);
    // and the mail as a mailbox stores it: quoted-printable, lines broken at 76 characters
    const qp = Buffer.from(mail.text, 'utf8')
      .toString('latin1')
      .replace(/[^\x20-\x7e\n]|=/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
      .replace(/.{70}/g, '$&=\n');
    const eml = join(dir, 'digest.eml');
    await writeFile(eml, qp);
    const fromEml = await cli('audit', 'verify', '--against', eml);
    expect(fromEml.err).to.not.include('holds no audit root').and.not.include(`root ${root.seq}`);
    // a copy that numbers the root otherwise still names the same root (its hash covers its number)
    const relabelled = join(dir, 'relabelled.json');
    await writeFile(relabelled, JSON.stringify({ ...root, seq: root.seq + 5 }));
    expect((await cli('audit', 'verify', '--against', relabelled)).err).to.not.include('cut back');
    expect((await cli('audit', 'verify', '--against', join(dir, 'none.json'))).code).to.equal(2);
    const cut = await underAttack(async (trx) => {
      await off(trx, 'audit_roots');
      await sql`delete from audit_roots where seq >= ${root.seq}`.execute(trx);
    }, root);
    expect(reasons(cut).join('\n')).to.include(`the mailed digest's root ${root.seq} (${day}) is not in the database`);
    const foreign = await underAttack(async () => undefined, { ...root, signature: '0'.repeat(64) });
    expect(reasons(foreign).join('\n')).to.include('is not signed with this audit key');
  });
});
