import { expect } from 'chai';
import { sql } from 'kysely';
import { cli } from '../support/cli.js';
import { ADMIN_KEY, countQueries, harness } from '../support/harness.js';
import {
  addInspector,
  admin,
  auth,
  createAgency,
  createEnterprise,
  createKey,
  file,
  filingBody,
  registerGround,
  world,
  type World,
} from '../support/fixtures.js';

// Random inspections (双随机) through the API: a plan, a committed draw, the draw made by the
// draw job, public and re-checkable; the `random` label only for a drawn assignment.

const REGION = '130102'; // no other test puts enterprises here: the population is this test's own
const DRAW_DAY = '2026-05-11';

describe('random draws (双随机)', () => {
  let agency: { id: string; key: string };
  let inspectors: string[];
  let usccs: string[];
  let noDisturb: string;
  let recent: string;

  before(async () => {
    const h = await harness();
    h.clock.set('2026-03-01T10:00:00+08:00');
    agency = await createAgency(REGION);
    inspectors = [];
    for (let i = 0; i < 4; i++) inspectors.push(await addInspector(agency.id));
    usccs = [];
    for (let i = 0; i < 30; i++) usccs.push(await createEnterprise(REGION, { riskClass: (['A', 'B', 'C', 'D'] as const)[i % 4] }));
    noDisturb = await createEnterprise(REGION, { riskClass: 'A', noDisturb: true });
    // every enterprise was visited by the first two inspectors in March (on complaints: no annual
    // cap used up): that pair is not drawn again for them
    const w = (uscc: string): World => ({
      agencyId: agency.id,
      agencyKey: agency.key,
      inspectorIds: inspectors.slice(0, 2),
      uscc,
      enterpriseKey: '',
      region: REGION,
    });
    const complaint = { type: 'case', reason: '投诉核查', trigger: { kind: 'complaint', reference: '12345-2026-0310' } };
    for (const u of usccs) await registerGround(u, { reference: complaint.trigger.reference, maxVisits: 5 });
    for (const u of usccs)
      expect(
        (await file(w(u), { ...complaint, plannedStart: '2026-03-10T09:00:00+08:00', plannedEnd: '2026-03-10T12:00:00+08:00' })).status,
      ).to.equal(201);
    // and one of them again in late April: inside the 30 days the plan leaves out
    recent = usccs[0]!;
    // a desk review planned far ahead shields nobody from a draw (it is no visit, and not yet)
    expect(
      (
        await file(w(usccs[1]!), {
          ...complaint,
          onSite: false,
          plannedStart: '2026-09-01T09:00:00+08:00',
          plannedEnd: '2026-09-01T12:00:00+08:00',
        })
      ).status,
    ).to.equal(201);
    h.clock.set('2026-04-20T10:00:00+08:00');
    expect(
      (await file(w(recent), { ...complaint, plannedStart: '2026-04-25T09:00:00+08:00', plannedEnd: '2026-04-25T12:00:00+08:00' })).status,
    ).to.equal(201);
  });
  // the root hooks put the clock back after every test
  beforeEach(async () => (await harness()).clock.set(`${DRAW_DAY}T08:00:00+08:00`));

  const plan = (over: Record<string, unknown> = {}) => ({
    agencyId: agency.id,
    name: '2026年5月 双随机抽查',
    filter: { region: REGION },
    ratio: 0.2,
    excludeInspectedWithinDays: 30,
    periodDays: 14,
    ...over,
  });

  it('refuses plans above the 20% cap, with an empty population or sample, or too few inspectors, and records nothing', async () => {
    const h = await harness();
    const count = async () =>
      Number(
        (
          await h.runtime.store.db
            .selectFrom('draw_plans')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const post = (body: Record<string, unknown>, key = ADMIN_KEY) =>
      h.api().post('/api/v1/draw-plans').set(auth(key)).set('Accept-Language', 'en').send(body);
    const above = await post(plan({ ratio: 0.3 }));
    expect(above.status).to.equal(400);
    expect(above.body.error.message).to.include('20%');
    const tooMany = await post(plan({ ratio: undefined, size: 7 }));
    expect(tooMany.status).to.equal(400);
    expect(tooMany.body.error.details[0].path).to.equal('/size');
    expect((await post(plan({ filter: { region: REGION, industry: '无此行业' } }))).body.error.message).to.include(
      'Fewer than 10 enterprises',
    );
    expect((await post(plan({ ratio: 0.01 }))).status, 'the sample would be empty').to.equal(400);
    expect((await post(plan({ ratio: undefined }))).status, 'neither ratio nor size').to.equal(400);
    const small = await createAgency(REGION);
    await addInspector(small.id);
    expect((await post(plan({ agencyId: small.id }))).body.error.message).to.include('at least 3');
    // the agency never designs its own draw, nor another's
    expect((await post(plan(), agency.key)).status, 'the agency itself').to.equal(403);
    expect((await post(plan(), small.key)).status, 'another agency').to.equal(403);
    // nine enterprises are no population to draw from at random
    const few = '130109';
    for (let i = 0; i < 9; i++) await createEnterprise(few, { riskClass: 'C' });
    const fewAgency = await createAgency(few);
    for (let i = 0; i < 3; i++) await addInspector(fewAgency.id);
    const nine = await post(plan({ agencyId: fewAgency.id, filter: { region: few } }));
    expect(nine.status).to.equal(400);
    expect(nine.body.error.message).to.include('at least 10');
    expect((await post(plan(), await createKey({ role: 'supervisor', regions: ['21'] }))).status, 'a supervisor elsewhere').to.equal(403);
    expect(await count()).to.equal(before);
  });

  it('commits, draws, reveals and re-checks; the random label needs a drawn assignment; unfiled ones expire and are raised', async () => {
    const h = await harness();
    const created = await h.api().post('/api/v1/draw-plans').set(admin).send(plan());
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    // 30 + 1 no-disturb; the no-disturb one and the one inspected in April are left out
    expect(created.body.population, 'counted as far as the plan needs').to.deep.equal({ atLeast: 10 });
    const drawId = created.body.nextDraw.id as string;
    const committed = await h.api().get(`/api/v1/draws/${drawId}`);
    expect(committed.body).to.include({ status: 'committed', seed: null, seedHash: created.body.nextDraw.seedHash });
    expect((await h.api().get(`/api/v1/draws/${drawId}/verify`)).status, 'nothing to check before the draw').to.equal(409);
    expect((await h.api().get(`/api/v1/draws/${drawId}/inputs`).set(admin)).status, 'the seed stays secret').to.equal(409);
    expect((await h.api().get(`/api/v1/draws/${drawId}/inputs`)).status, 'risk classes and last visits are not public').to.equal(401);

    const run = await h.api().post('/api/v1/jobs/draw/run').set(admin).send({ date: DRAW_DAY });
    expect(run.status, JSON.stringify(run.body)).to.equal(200);
    expect(
      (await h.api().post('/api/v1/jobs/draw/run').set(admin).send({ date: '2026-05-12' })).status,
      'only on the day it is run',
    ).to.equal(400);
    const drawn = (await h.api().get(`/api/v1/draws/${drawId}`)).body;
    expect(drawn.status).to.equal('drawn');
    expect(drawn.seed).to.match(/^[0-9a-f]{64}$/);
    expect(drawn.assignments).to.have.length(5);
    const drawnUsccs = drawn.assignments.map((a: { enterprise: { uscc: string } }) => a.enterprise.uscc);
    expect(drawnUsccs).not.to.include(noDisturb);
    expect(drawnUsccs).not.to.include(recent);
    for (const a of drawn.assignments)
      expect(a.inspectors.map((i: { id: string }) => i.id).sort()).not.to.deep.equal(inspectors.slice(0, 2).sort());
    const listed = (await h.api().get(`/api/v1/draws?agency=${agency.id}`)).body.items;
    expect(listed.find((d: { id: string }) => d.id === drawId)).to.include({ assignments: 5, status: 'drawn', populationSize: 29 });
    const inputs = (await h.api().get(`/api/v1/draws/${drawId}/inputs`).set(admin)).body;
    for (const a of drawn.assignments) expect(inputs.population).to.deep.include([a.enterprise.uscc, a.stratum]);
    expect(inputs.population).to.have.length(29);
    expect(inputs.population.map((m: [string, string]) => m[0])).to.include(usccs[1]);
    expect(inputs.avoid[drawnUsccs[0]]).to.deep.equal(inspectors.slice(0, 2).sort());

    const verified = await h.api().get(`/api/v1/draws/${drawId}/verify`);
    expect(verified.body.checked.by).to.equal('draw');
    expect(verified.body).to.include({
      matches: true,
      seedMatchesCommitment: true,
      populationMatchesHash: true,
      assignmentsMatch: true,
      recorded: 5,
    });
    const ok = await cli('draws', 'verify', drawId);
    expect(ok.code).to.equal(0);
    expect(ok.out).to.include('MATCHES');

    // the random label: only for a drawn assignment, by its agency, for its enterprise, with the drawn pair
    const a0 = drawn.assignments[0];
    const w = (uscc: string, ids = a0.inspectors.map((i: { id: string }) => i.id)): World => ({
      agencyId: agency.id,
      agencyKey: agency.key,
      inspectorIds: ids,
      uscc,
      enterpriseKey: '',
      region: REGION,
    });
    const visit = { type: 'random', plannedStart: '2026-05-14T09:00:00+08:00', plannedEnd: '2026-05-14T12:00:00+08:00' };
    const send = (uscc: string, over: Record<string, unknown>, key = agency.key, ids?: string[]) =>
      h
        .api()
        .post('/api/v1/filings')
        .set(auth(key))
        .send(filingBody(w(uscc, ids), { ...visit, ...over }));
    const nothing = await send(a0.enterprise.uscc, {});
    expect(nothing.status).to.equal(400);
    expect(nothing.body.error.details[0].path).to.equal('/drawAssignmentId');
    expect((await send(a0.enterprise.uscc, { type: 'routine', drawAssignmentId: a0.id })).status).to.equal(400);
    const blocked = (r: { status: number; body: { decision?: { findings: { ruleId: string }[] } } }) =>
      r.status === 422 && r.body.decision!.findings.some((f) => f.ruleId === 'random.drawn');
    expect(blocked(await send(drawn.assignments[1].enterprise.uscc, { drawAssignmentId: a0.id })), 'another enterprise').to.equal(true);
    expect(
      blocked(
        await send(
          a0.enterprise.uscc,
          { drawAssignmentId: a0.id },
          agency.key,
          inspectors.filter((i) => !a0.inspectors.some((x: { id: string }) => x.id === i)).slice(0, 2),
        ),
      ),
      'other inspectors',
    ).to.equal(true);
    expect(
      blocked(
        await send(a0.enterprise.uscc, {
          drawAssignmentId: a0.id,
          plannedStart: '2026-06-01T09:00:00+08:00',
          plannedEnd: '2026-06-01T12:00:00+08:00',
        }),
      ),
      'after its period',
    ).to.equal(true);
    const other = await createAgency(REGION);
    const otherIds = [await addInspector(other.id), await addInspector(other.id)];
    expect(blocked(await send(a0.enterprise.uscc, { drawAssignmentId: a0.id }, other.key, otherIds)), 'another agency').to.equal(true);
    const filed = await send(a0.enterprise.uscc, { drawAssignmentId: a0.id });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    expect(blocked(await send(a0.enterprise.uscc, { drawAssignmentId: a0.id })), 'the same assignment twice').to.equal(true);

    // cancelled before its start, the assignment is open again and can be filed once more
    await h.api().post(`/api/v1/filings/${filed.body.filing.id}/cancel`).set(auth(agency.key)).send({ reason: '企业停产，改期' });
    expect((await h.api().get(`/api/v1/draws/${drawId}`)).body.assignments[0].status).to.equal('open');
    const refiled = await send(a0.enterprise.uscc, { drawAssignmentId: a0.id });
    expect(refiled.status).to.equal(201);
    const a1 = drawn.assignments[1];
    const second = await send(
      a1.enterprise.uscc,
      { drawAssignmentId: a1.id },
      agency.key,
      a1.inspectors.map((i: { id: string }) => i.id),
    );
    expect(second.status).to.equal(201);
    // its result is public with the draw
    h.clock.set('2026-05-14T10:00:00+08:00');
    await h
      .api()
      .post(`/api/v1/filings/${refiled.body.filing.id}/result`)
      .set(auth(agency.key))
      .send({ conductedAt: '2026-05-14T10:00:00+08:00', outcome: 'no_issues', summary: '抽查未发现问题' });
    const publicView = (await h.api().get(`/api/v1/draws/${drawId}`)).body;
    expect(publicView.assignments[0].result).to.include({ outcome: 'no_issues', summary: '抽查未发现问题' });
    expect(publicView.assignments[0].filing.filingNo).to.equal(refiled.body.filing.filingNo);

    // after the period: the three never filed are expired and raised; the filed one without a result is overdue
    h.clock.set('2026-06-20T10:00:00+08:00');
    const swept = await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({});
    // the sweep is the whole database's (other tests' draws may expire with it); this draw's three are counted below
    expect(swept.body.summary.drawNotExecuted).to.be.at.least(3);
    const statuses = (await h.api().get(`/api/v1/draws/${drawId}`)).body.assignments.map((a: { status: string }) => a.status);
    expect(statuses).to.deep.equal(['filed', 'filed', 'expired', 'expired', 'expired']);
    const raised = await h.runtime.store.db
      .selectFrom('violations')
      .select(['kind', 'enterprise_uscc'])
      .where('agency_id', '=', agency.id)
      .where('kind', 'in', ['draw_not_executed', 'disclosure_overdue', 'result_overdue'])
      .execute();
    expect(raised.filter((v) => v.kind === 'draw_not_executed')).to.have.length(3);
    expect(raised.filter((v) => v.kind === 'result_overdue').map((v) => v.enterprise_uscc)).to.include(a1.enterprise.uscc);
    // the supervisors' digest of the draw day lists the draw
    expect((await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: DRAW_DAY })).body.outcome).to.equal('succeeded');
    const digest = await h
      .api()
      .get(`/api/v1/digests/${DRAW_DAY}`)
      .set(auth(await createKey({ role: 'supervisor', regions: ['1301'] })));
    expect(digest.body.draws).to.deep.equal([
      { id: drawId, planName: '2026年5月 双随机抽查', agencyName: publicView.agency.name, assignments: 5 },
    ]);
    // its result is not public either: 20 working days after 14 May ended on 11 June
    const late = await h.runtime.store.db
      .selectFrom('violations')
      .select('enterprise_uscc')
      .where('kind', '=', 'disclosure_overdue')
      .where('agency_id', '=', agency.id)
      .execute();
    expect(late.map((v) => v.enterprise_uscc)).to.deep.equal([a1.enterprise.uscc]);

    // someone with database access rewrites the draw consistently in its own tables (a pool that
    // gives other pairs, the assignments to match, a new seed with its hash): the audit trail says so
    const db = h.runtime.store.db;
    const saved = await db.selectFrom('draws').select(['seed', 'seed_hash', 'pool']).where('id', '=', drawId).executeTakeFirstOrThrow();
    await db
      .updateTable('draws')
      .set({ seed: 'f'.repeat(64), seed_hash: (await import('../../src/domain/draw.js')).sha256('f'.repeat(64)) })
      .where('id', '=', drawId)
      .execute();
    // the public check is the one made with the draw; an admin's recheck re-runs it, and is kept as the public one
    expect((await h.api().get(`/api/v1/draws/${drawId}/verify`)).body.matches, 'not re-run by the public').to.equal(true);
    const recheck = () => h.api().post(`/api/v1/draws/${drawId}/recheck`).set(admin).send({});
    expect((await recheck()).body).to.include({ matches: false, seedMatchesCommitment: false });
    expect((await h.api().get(`/api/v1/draws/${drawId}/verify`)).body).to.include({ matches: false, seedMatchesCommitment: false });
    await db
      .updateTable('draws')
      .set({ seed: saved.seed, seed_hash: saved.seed_hash, pool: [...saved.pool!, 'insp_planted'] })
      .where('id', '=', drawId)
      .execute();
    expect((await recheck()).body).to.include({ matches: false, recordMatchesAudit: false });
    await db
      .updateTable('draws')
      .set({ pool: [saved.pool![0]!] })
      .where('id', '=', drawId)
      .execute();
    const onePool = await recheck();
    expect(onePool.status, 'a pool no draw could come from is a mismatch, not a 500').to.equal(200);
    expect(onePool.body.matches).to.equal(false);
    await db.updateTable('draws').set({ pool: saved.pool }).where('id', '=', drawId).execute();
    expect((await recheck()).body.matches, 'restored').to.equal(true);
    // someone with database access removes an enterprise from the recorded population: the check says so
    const firstMember = String.raw`^\[\["[^"]+","[^"]+"\],`;
    await sql`update draw_populations set population = regexp_replace(population, ${firstMember}, '[')
      where hash = (select population_ref from draws where id = ${drawId})`.execute(h.runtime.store.db);
    const tampered = await recheck();
    expect(tampered.body).to.include({ matches: false, populationMatchesHash: false, seedMatchesCommitment: true });
    const bad = await cli('draws', 'verify', drawId);
    expect(bad.code).to.equal(1);
    expect(bad.out).to.include('DOES NOT MATCH');
  });

  it('a plan that cannot be drawn (its inspectors lapsed) fails alone and stays due; the other plans of the hour are drawn', async () => {
    const h = await harness();
    const region = '130103';
    for (let i = 0; i < 10; i++) await createEnterprise(region, { riskClass: 'C' });
    const ok = await createAgency(region);
    const lapsing = await createAgency(region);
    for (const a of [ok, lapsing]) for (let i = 0; i < 3; i++) await addInspector(a.id);
    const body = (agencyId: string) => ({ agencyId, name: '小范围抽查', filter: { region }, ratio: 0.2, periodDays: 7 });
    const good = await h.api().post('/api/v1/draw-plans').set(admin).send(body(ok.id));
    const bad = await h.api().post('/api/v1/draw-plans').set(admin).send(body(lapsing.id));
    expect([good.status, bad.status]).to.deep.equal([201, 201]);
    // a credential ends before the draw (the register revokes it)
    const [first] = await h.runtime.store.db.selectFrom('inspectors').select('id').where('agency_id', '=', lapsing.id).execute();
    const revoked = await h
      .api()
      .post(`/api/v1/agencies/${lapsing.id}/inspectors/${first!.id}/revoke`)
      .set(admin)
      .send({ reason: '调离执法岗位' });
    expect(revoked.status, JSON.stringify(revoked.body)).to.equal(200);
    h.clock.set(`${DRAW_DAY}T15:10:00+08:00`);
    const run = await h.api().post('/api/v1/jobs/draw/run').set(admin).send({});
    expect(run.body.outcome).to.equal('succeeded');
    expect(run.body.summary.failed.map((f: { planId: string }) => f.planId)).to.deep.equal([bad.body.id]);
    expect((await h.api().get(`/api/v1/draws/${good.body.nextDraw.id}`)).body.status).to.equal('drawn');
    expect((await h.api().get(`/api/v1/draws/${bad.body.nextDraw.id}`)).body).to.include({ status: 'committed', seed: null });
    expect(h.logs.text()).to.include('a draw could not be made; it stays due');
  });

  it('draws in the jurisdiction; a pool that cannot rotate draws any pair; no-disturb may join; unmade visits raised', async () => {
    const h = await harness();
    const region = '130104';
    const ag = await createAgency(region);
    const ids = [await addInspector(ag.id), await addInspector(ag.id), await addInspector(ag.id)];
    const quiet: string[] = [];
    for (let i = 0; i < 10; i++) quiet.push(await createEnterprise(region, { riskClass: 'C', noDisturb: true }));
    // all three inspectors visited every one of them on complaints in March
    h.clock.set('2026-03-01T10:00:00+08:00');
    const complaint = { type: 'case', reason: '投诉核查', trigger: { kind: 'complaint', reference: '12345-2026-0311' } };
    const wq = (uscc: string): World => ({ agencyId: ag.id, agencyKey: ag.key, inspectorIds: ids, uscc, enterpriseKey: '', region });
    for (const u of quiet) await registerGround(u, { reference: complaint.trigger.reference });
    for (const u of quiet)
      expect(
        (await file(wq(u), { ...complaint, plannedStart: '2026-03-11T09:00:00+08:00', plannedEnd: '2026-03-11T12:00:00+08:00' })).status,
      ).to.equal(201);
    h.clock.set(`${DRAW_DAY}T16:00:00+08:00`);

    const outside = await h
      .api()
      .post('/api/v1/draw-plans')
      .set(admin)
      .send({ agencyId: ag.id, name: '越界', filter: { region: '1101' }, ratio: 0.2 });
    expect(outside.status).to.equal(400);
    expect(outside.body.error.details[0].path).to.equal('/filter/region');
    const created = await h
      .api()
      .post('/api/v1/draw-plans')
      .set(admin)
      .send({ agencyId: ag.id, name: '无事不扰名单抽查', filter: {}, ratio: 0.2, includeNoDisturb: true, periodDays: 10 });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.filter.region, 'its own jurisdiction, not the country').to.equal(region);
    await h.api().post('/api/v1/jobs/draw/run').set(admin).send({});
    const drawn = (await h.api().get(`/api/v1/draws/${created.body.nextDraw.id}`)).body;
    expect(drawn.assignments).to.have.length(2);
    expect(drawn.excluded).to.include({ rotationImpossible: 2 });
    expect((await h.api().get(`/api/v1/draws/${drawn.id}/verify`)).body.matches).to.equal(true);

    const a = drawn.assignments[0];
    const pair = a.inspectors.map((i: { id: string }) => i.id);
    const body = (over: Record<string, unknown>) =>
      filingBody(
        { ...wq(a.enterprise.uscc), inspectorIds: pair },
        {
          type: 'random',
          drawAssignmentId: a.id,
          plannedStart: '2026-05-13T09:00:00+08:00',
          plannedEnd: '2026-05-13T12:00:00+08:00',
          ...over,
        },
      );
    const other = await createAgency(region);
    const joint = await h
      .api()
      .post('/api/v1/filings')
      .set(auth(ag.key))
      .send(body({ jointAgencyIds: [other.id], inspectorIds: [...pair, await addInspector(other.id)] }));
    expect(joint.status).to.equal(422);
    expect(joint.body.decision.findings.map((f: { ruleId: string }) => f.ruleId)).to.include('random.drawn');
    // exactly the drawn pair: a third officer of the agency's choosing is not random
    const third = ids.find((id) => !pair.includes(id)) as string;
    const padded = await h
      .api()
      .post('/api/v1/filings')
      .set(auth(ag.key))
      .send(body({ inspectorIds: [...pair, third] }));
    expect(padded.status).to.equal(422);
    expect(padded.body.decision.findings.find((f: { ruleId: string }) => f.ruleId === 'random.drawn').message.en).to.include(
      'exactly the randomly drawn inspectors',
    );
    const filed = await h.api().post('/api/v1/filings').set(auth(ag.key)).send(body({}));
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    expect(filed.body.decision.findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`)).to.include(
      'enterprise.no-disturb:warn',
    );

    h.clock.set('2026-05-13T13:00:00+08:00');
    const result = await h
      .api()
      .post(`/api/v1/filings/${filed.body.filing.id}/result`)
      .set(auth(ag.key))
      .send({ conductedAt: '2026-05-13T12:30:00+08:00', outcome: 'not_conducted', summary: '企业停产，未实施' });
    expect(result.status, JSON.stringify(result.body)).to.equal(200);
    const raised = await h.runtime.store.db
      .selectFrom('violations')
      .select(['kind', 'filing_id'])
      .where('agency_id', '=', ag.id)
      .where('kind', '=', 'draw_not_executed')
      .execute();
    expect(raised).to.deep.equal([{ kind: 'draw_not_executed', filing_id: filed.body.filing.id }]);
  });

  it('a plan is stopped, never edited: it draws no more; enterprises the cap rules out are left out before the draw', async () => {
    const h = await harness();
    const region = '130105';
    h.clock.set('2026-06-01T10:00:00+08:00');
    const ag = await createAgency(region);
    const officers = [await addInspector(ag.id), await addInspector(ag.id), await addInspector(ag.id)];
    const usccs: string[] = [];
    for (let i = 0; i < 12; i++) usccs.push(await createEnterprise(region, { riskClass: 'B' }));
    // this year's one routine visit to the first two (class B: one a year) rules them out
    for (const u of usccs.slice(0, 2)) {
      const w: World = { agencyId: ag.id, agencyKey: ag.key, inspectorIds: officers.slice(0, 2), uscc: u, enterpriseKey: '', region };
      expect((await file(w, { plannedStart: '2026-06-02T09:00:00+08:00', plannedEnd: '2026-06-02T12:00:00+08:00' })).status).to.equal(201);
    }
    // a visit planned far ahead shields no one: this third one has not begun when the draw is made
    const ahead: World = {
      agencyId: ag.id,
      agencyKey: ag.key,
      inspectorIds: officers.slice(0, 2),
      uscc: usccs[2]!,
      enterpriseKey: '',
      region,
    };
    expect((await file(ahead, { plannedStart: '2026-11-02T09:00:00+08:00', plannedEnd: '2026-11-02T12:00:00+08:00' })).status).to.equal(
      201,
    );
    h.clock.set('2026-06-03T10:00:00+08:00');
    const sup = await createKey({ role: 'supervisor', regions: ['1301'] });
    const plan = await h
      .api()
      .post('/api/v1/draw-plans')
      .set(auth(sup))
      .send({ agencyId: ag.id, name: '季度抽查', filter: {}, ratio: 0.2, periodDays: 10, schedule: { everyDays: 30 } });
    expect(plan.status, JSON.stringify(plan.body)).to.equal(201);
    expect(plan.body.population).to.deep.equal({ atLeast: 10 });
    // drawn now by the supervisor rather than at the next hourly run; the next draw is not due yet
    h.clock.set('2026-06-03T10:20:00+08:00');
    const now = await h.api().post(`/api/v1/draw-plans/${plan.body.id}/draw`).set(auth(sup)).send({});
    expect(now.status, JSON.stringify(now.body).slice(0, 300)).to.equal(200);
    expect(now.body.id).to.equal(plan.body.nextDraw.id);
    expect((await h.api().post(`/api/v1/draw-plans/${plan.body.id}/draw`).set(auth(sup)).send({})).status).to.equal(409);
    expect((await h.api().post(`/api/v1/draw-plans/${plan.body.id}/draw`).set(auth(ag.key)).send({})).status).to.equal(403);
    const first = (await h.api().get(`/api/v1/draws/${plan.body.nextDraw.id}`)).body;
    expect(first.excluded).to.include({ capReached: 2 });
    const drawnUsccs = first.assignments.map((x: { enterprise: { uscc: string } }) => x.enterprise.uscc);
    expect(drawnUsccs).not.to.include(usccs[0]).and.not.to.include(usccs[1]);
    // stopped by the supervisor: its next committed draw is never made
    const stop = (key: string) =>
      h.api().post(`/api/v1/draw-plans/${plan.body.id}/stop`).set(auth(key)).send({ reason: '专项整治期间暂停' });
    expect((await stop(ag.key)).status, 'not by the agency').to.equal(403);
    const stopped = await stop(sup);
    expect(stopped.status).to.equal(200);
    expect(stopped.body.stopped.reason).to.equal('专项整治期间暂停');
    expect(stopped.body.nextDraw).to.equal(null);
    expect((await stop(sup)).status).to.equal(409);
    h.clock.set('2026-07-03T15:10:00+08:00');
    await h.api().post('/api/v1/jobs/draw/run').set(admin).send({});
    const made = await h.runtime.store.db.selectFrom('draws').select('status').where('plan_id', '=', plan.body.id).execute();
    expect(made.map((d) => d.status).sort()).to.deep.equal(['committed', 'drawn']);
    const audit = await h.runtime.store.db.selectFrom('audit_events').select('action').where('entity_id', '=', plan.body.id).execute();
    expect(audit.map((a) => a.action)).to.include('draw_plan.stopped');
  });
});

// Issue 18: a draw plan, a draw and its public check cost what they should. A refused plan reads no
// population; an agency has at most DRAW_MAX_ACTIVE_PLANS plans; a key asks for at most
// DRAW_PLAN_RATE_LIMIT plans an hour; each plan is drawn in a transaction of its own; a population
// is stored once; the public check reads the check made with the draw.
describe('random draws that cost what they should', () => {
  const DAY = '2026-07-06';
  beforeEach(async () => (await harness()).clock.set(`${DAY}T09:00:00+08:00`));

  /** An agency of the region with three inspectors, and `n` enterprises there (risk classes A-D in turn). */
  async function agencyWith(region: string, n: number): Promise<{ id: string; key: string }> {
    const ag = await createAgency(region);
    for (let i = 0; i < 3; i++) await addInspector(ag.id);
    for (let i = 0; i < n; i++) await createEnterprise(region, { riskClass: (['A', 'B', 'C', 'D'] as const)[i % 4] });
    return ag;
  }
  const rows = async (table: 'draw_plans' | 'draws', agencyId: string) =>
    Number(
      (
        await (
          await harness()
        ).runtime.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('agency_id', '=', agencyId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Statements that read enterprises without a bound: the whole population. */
  const wholePopulation = (statements: string[]) =>
    statements.filter((s) => /\benterprises\b/.test(s) && !(/count\(/i.test(s) && /\blimit\b/i.test(s)));

  it('when a plan asks for more than its population allows, then a bounded count refuses it, not saying the size', async () => {
    const h = await harness();
    const region = '130106';
    const ag = await agencyWith(region, 30);
    const sup = await createKey({ role: 'supervisor', regions: ['1301'] });
    const post = (body: Record<string, unknown>) =>
      h
        .api()
        .post('/api/v1/draw-plans')
        .set(auth(sup))
        .set('Accept-Language', 'en')
        .send({ agencyId: ag.id, name: '超量抽查', filter: { region }, ...body });
    let res: Awaited<ReturnType<typeof post>> | null = null;
    // 30 enterprises; seven drawn need 35
    const statements = await countQueries(async () => (res = await post({ size: 7 })));
    expect(res!.status).to.equal(400);
    expect(res!.body.error.details[0].path).to.equal('/size');
    expect(res!.body.error.message)
      .to.include('Fewer than 35')
      .and.not.to.match(/\b30\b/);
    expect(wholePopulation(statements), 'no statement reads the whole population').to.deep.equal([]);
    expect(
      statements.filter((s) => /\benterprises\b/.test(s)),
      'one bounded count',
    ).to.have.length(1);
    // one risk class of the region: 7 or 8 of class D, fewer than ten, and the refusal does not say how many
    const stratum = await post({ ratio: 0.2, filter: { region, riskClasses: ['D'] } });
    expect(stratum.status).to.equal(400);
    expect(stratum.body.error.message)
      .to.include('Fewer than 10')
      .and.not.to.match(/\b[78]\b/);
    const zh = await h
      .api()
      .post('/api/v1/draw-plans')
      .set(auth(sup))
      .send({ agencyId: ag.id, name: '超量抽查', filter: { region, riskClasses: ['D'] }, ratio: 0.2 });
    expect(zh.body.error.message)
      .to.include('不足 10 家')
      .and.not.to.match(/[78] 家/);
    // above the 20% cap: refused before anything is read about the enterprises
    const capped = await countQueries(async () => expect((await post({ ratio: 0.3 })).status).to.equal(400));
    expect(capped.filter((s) => /\benterprises\b/.test(s))).to.deep.equal([]);
    expect([await rows('draw_plans', ag.id), await rows('draws', ag.id)], 'nothing recorded').to.deep.equal([0, 0]);
  });

  it('when an agency has ten active plans, then the eleventh is refused before its population is counted, until one stops', async () => {
    const h = await harness();
    const region = '130107';
    const ag = await agencyWith(region, 12);
    const sup = await createKey({ role: 'supervisor', regions: ['1301'] });
    const post = () =>
      h
        .api()
        .post('/api/v1/draw-plans')
        .set(auth(sup))
        .set('Accept-Language', 'en')
        .send({ agencyId: ag.id, name: '月度抽查', filter: { region }, size: 1, schedule: { everyDays: 30 } });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await post();
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      ids.push(r.body.id as string);
    }
    let eleventh: Awaited<ReturnType<typeof post>> | null = null;
    const statements = await countQueries(async () => (eleventh = await post()));
    expect(eleventh!.status).to.equal(409);
    expect(eleventh!.body.error).to.include({ code: 'conflict' });
    expect(eleventh!.body.error.message).to.include('10 active draw plans');
    expect(
      statements.filter((s) => /\benterprises\b/.test(s)),
      'the population is not even counted',
    ).to.deep.equal([]);
    expect(await rows('draw_plans', ag.id)).to.equal(10);
    expect((await h.api().post(`/api/v1/draw-plans/${ids[0]}/stop`).set(auth(sup)).send({ reason: '调整计划' })).status).to.equal(200);
    expect((await post()).status, 'a stopped plan frees its place').to.equal(201);
  });

  it('when a key asks for more plans an hour than DRAW_PLAN_RATE_LIMIT, refused ones too, then 429 with Retry-After', async () => {
    const h = await harness();
    const region = '130108';
    const ag = await agencyWith(region, 0);
    const sup = await createKey({ role: 'supervisor', regions: ['1301'] });
    const post = (key: string) =>
      h.api().post('/api/v1/draw-plans').set(auth(key)).send({ agencyId: ag.id, name: '过频', filter: { region }, ratio: 0.3 });
    for (let i = 0; i < h.config.drawPlanRateLimit; i++) expect((await post(sup)).status, `request ${i + 1}`).to.equal(400);
    const limited = await post(sup);
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal('rate_limited');
    expect(Number(limited.headers['retry-after'])).to.be.within(1, 3600);
    // the same key however the header spells "Bearer" is the same count
    for (const spelling of ['bearer', 'BEARER', 'Bearer  '])
      expect(
        (
          await h
            .api()
            .post('/api/v1/draw-plans')
            .set('Authorization', `${spelling} ${sup}`)
            .send({ agencyId: ag.id, name: '过频', filter: { region }, ratio: 0.3 })
        ).status,
        spelling,
      ).to.equal(429);
    expect((await post(await createKey({ role: 'supervisor', regions: ['1301'] }))).status, 'another key is counted apart').to.equal(400);
    // the window is an hour of the service's clock
    h.clock.set(`${DAY}T10:00:00+08:00`);
    expect((await post(sup)).status).to.equal(400);
  });

  it('when an agency is deactivated, then its plans are drawn no more: not now, not by the job', async () => {
    const h = await harness();
    const region = '130111';
    const ag = await agencyWith(region, 12);
    const plan = await h
      .api()
      .post('/api/v1/draw-plans')
      .set(admin)
      .send({ agencyId: ag.id, name: '停用后', filter: { region }, size: 1, schedule: { everyDays: 1 } });
    expect(plan.status, JSON.stringify(plan.body)).to.equal(201);
    expect((await h.api().patch(`/api/v1/agencies/${ag.id}`).set(admin).send({ active: false })).status).to.equal(200);
    const before = await rows('draws', ag.id);
    const now = await h.api().post(`/api/v1/draw-plans/${plan.body.id}/draw`).set(admin).send({});
    expect(now.status).to.equal(409);
    expect(now.body.error.code).to.equal('conflict');
    h.clock.set(`${DAY}T23:30:00+08:00`);
    expect((await h.api().post('/api/v1/jobs/draw/run').set(admin).send({})).status).to.equal(200);
    expect(await rows('draws', ag.id)).to.equal(before);
  });

  it('when 61 daily plans are due, then each is drawn in a transaction of its own and a scan is answered before the run ends', async () => {
    const h = await harness();
    const region = '130110';
    const agencies: { id: string; key: string }[] = [];
    for (let i = 0; i < 7; i++) agencies.push(await agencyWith(region, i === 0 ? 40 : 0));
    let made = 0;
    for (const ag of agencies) {
      // a key per agency: ten plans each stay under the hourly limit of a key
      const sup = await createKey({ role: 'supervisor', regions: ['1301'] });
      for (let i = 0; i < 10 && made < 61; i++, made++) {
        const r = await h
          .api()
          .post('/api/v1/draw-plans')
          .set(auth(sup))
          .send({ agencyId: ag.id, name: `每日抽查 ${made}`, filter: { region }, size: 1, periodDays: 7, schedule: { everyDays: 1 } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
      }
    }
    const w = await world('130111');
    const filed = await file(w);
    expect(filed.status).to.equal(201);
    h.clock.set(`${DAY}T15:10:00+08:00`);
    const order: string[] = [];
    let run: { status: number; body: { summary: { draws: unknown[]; failed: unknown[] } } } | null = null;
    const statements = await countQueries(async () => {
      const job = h
        .api()
        .post('/api/v1/jobs/draw/run')
        .set(admin)
        .send({})
        .then((r) => {
          order.push('draw run');
          run = r;
        });
      const scan = h
        .api()
        .get(`/api/v1/verify/${filed.body.filing.verifyCode}`)
        .then((r) => {
          expect(r.status).to.equal(200);
          order.push('scan');
        });
      await Promise.all([job, scan]);
    });
    expect(run!.status).to.equal(200);
    expect(run!.body.summary.draws.length + run!.body.summary.failed.length).to.be.at.least(61);
    expect(order, 'the scan did not wait for every plan').to.deep.equal(['scan', 'draw run']);
    // the statements of the run, transaction by transaction: no transaction makes more than one draw
    const perTransaction: number[] = [];
    let open: number | null = null;
    for (const s of statements) {
      if (/^begin\b/i.test(s)) open = 0;
      else if (/^(commit|rollback)\b/i.test(s)) {
        if (open !== null) perTransaction.push(open);
        open = null;
      } else if (open !== null && /update "draws" set "status"/.test(s)) open++;
    }
    expect(perTransaction.filter((n) => n > 0)).to.have.length.of.at.least(61);
    expect(Math.max(...perTransaction), 'draws made in one transaction').to.equal(1);
  });

  it('when two draws are made from the same enterprises, then their population is stored once and both check out', async () => {
    const h = await harness();
    const region = '130112';
    const a = await agencyWith(region, 20);
    const b = await agencyWith(region, 0);
    const plans = [];
    for (const ag of [a, b]) {
      const r = await h
        .api()
        .post('/api/v1/draw-plans')
        .set(admin)
        .send({ agencyId: ag.id, name: '同一总体', filter: { region }, ratio: 0.2, periodDays: 7 });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      plans.push(r.body);
    }
    for (const p of plans) expect((await h.api().post(`/api/v1/draw-plans/${p.id}/draw`).set(admin).send({})).status).to.equal(200);
    const db = h.runtime.store.db;
    const drawIds = plans.map((p) => p.nextDraw.id as string);
    const made = await db.selectFrom('draws').select(['population_ref', 'population_hash']).where('id', 'in', drawIds).execute();
    expect(made).to.have.length(2);
    expect(made[0]!.population_ref).to.equal(made[1]!.population_ref).and.to.equal(made[0]!.population_hash);
    const stored = await db.selectFrom('draw_populations').select('hash').where('hash', '=', made[0]!.population_ref!).execute();
    expect(stored, 'one row for both').to.have.length(1);
    for (const id of drawIds) {
      expect((await h.api().get(`/api/v1/draws/${id}/verify`)).body.matches).to.equal(true);
      expect((await h.api().get(`/api/v1/draws/${id}/inputs`).set(admin)).body.population).to.have.length(20);
    }
  });

  it('when anyone checks a made draw, then the check made with it is read, not re-run; an admin’s recheck agrees', async () => {
    const h = await harness();
    const region = '130113';
    const ag = await agencyWith(region, 15);
    const plan = await h
      .api()
      .post('/api/v1/draw-plans')
      .set(admin)
      .send({ agencyId: ag.id, name: '复核', filter: { region }, size: 3, periodDays: 7 });
    expect(plan.status, JSON.stringify(plan.body)).to.equal(201);
    const drawId = plan.body.nextDraw.id as string;
    h.clock.set(`${DAY}T09:30:00+08:00`);
    expect((await h.api().post(`/api/v1/draw-plans/${plan.body.id}/draw`).set(admin).send({})).status).to.equal(200);
    let publicCheck: { status: number; body: Record<string, unknown> } | null = null;
    const statements = await countQueries(async () => (publicCheck = await h.api().get(`/api/v1/draws/${drawId}/verify`)));
    expect(publicCheck!.status).to.equal(200);
    expect(publicCheck!.body).to.include({ matches: true, recorded: 3, recomputed: 3 });
    expect(publicCheck!.body.checked).to.deep.equal({ at: `2026-07-06T01:30:00.000Z`, by: 'draw' });
    expect(statements, 'one read of the kept check').to.have.length(1);
    expect(statements[0]).to.match(/select "status", "verification" from "draws"/);
    // a supervisor may not make the service re-run a draw; an admin may, and it agrees
    const sup = await createKey({ role: 'supervisor', regions: ['1301'] });
    expect((await h.api().post(`/api/v1/draws/${drawId}/recheck`).set(auth(sup)).send({})).status).to.equal(403);
    h.clock.set(`${DAY}T11:00:00+08:00`);
    const again = await h.api().post(`/api/v1/draws/${drawId}/recheck`).set(admin).send({});
    expect(again.status).to.equal(200);
    const { checked, ...rest } = again.body as Record<string, unknown>;
    const { checked: _kept, ...kept } = publicCheck!.body;
    expect(rest).to.deep.equal(kept);
    expect(checked).to.deep.equal({ at: '2026-07-06T03:00:00.000Z', by: 'recheck' });
    expect((await h.api().get(`/api/v1/draws/${drawId}/verify`)).body.checked.by, 'the recheck is the one kept').to.equal('recheck');
  });
});
