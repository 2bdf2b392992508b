import { expect } from 'chai';
import { harness } from '../support/harness.js';
import {
  addInspector,
  auth,
  createAgency,
  createEnterprise,
  createKey,
  file,
  registerGround,
  unique,
  world,
  type World,
} from '../support/fixtures.js';
import { filingForm, signedIn } from '../support/web.js';

// The pages follow the registers: the filing form picks a registered ground, supervisors register
// and review grounds and stop draw plans on the dashboard, a joint agency answers on the filing's page.
describe('pages for the registers the agency does not keep', () => {
  const caseForm = (w: World, ground: string) => filingForm(w, { type: 'case', reason: '投诉举报核查', ground });

  it('the filing form offers the registered grounds and files a case on the one picked', async () => {
    const w = await world();
    const g = await registerGround(w.uscc);
    const c = await signedIn(w.agencyKey);
    const form = await c.get('/filings/new');
    expect(form.text).to.include(`complaint|${g.reference}`).and.include('登记在册的事由');
    const filed = await c.post('/filings/new', caseForm(w, `complaint|${g.reference}`));
    expect(filed.status, filed.text.slice(0, 2000)).to.equal(303);
    const h = await harness();
    const detail = await h.api().get(`/api/v1/grounds/${g.id}`).set(auth(w.agencyKey));
    expect(detail.body.filings).to.have.length(1);
  });

  it('a supervisor registers a ground, confirms an agency lead and stops a draw plan on the dashboard', async () => {
    const h = await harness();
    const w = await world('420102');
    const sup = await createKey({ role: 'supervisor', regions: ['4201'] });
    const c = await signedIn(sup);
    await c.get('/dashboard');
    const reference = unique('12345-');
    const made = await c.post('/dashboard/grounds', { kind: 'complaint', reference, enterpriseUscc: w.uscc, maxVisits: '1' });
    expect(made.status, made.text.slice(0, 1500)).to.equal(303);
    const page = await c.get('/dashboard');
    expect(page.text).to.include(reference).and.include('事由登记簿');
    // a bad code comes back on the page with the field named
    const bad = await c.post('/dashboard/grounds', { kind: 'complaint', reference: 'X-1', enterpriseUscc: '91420102MA0000000X' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('aria-invalid="true"');
    // the agency's own lead, confirmed
    const lead = await h
      .api()
      .post('/api/v1/grounds')
      .set(auth(w.agencyKey))
      .send({ kind: 'monitoring', reference: unique('抽检-'), enterpriseUscc: w.uscc });
    expect(lead.body.status).to.equal('unverified');
    await c.get('/dashboard');
    const confirmed = await c.post(`/dashboard/grounds/${lead.body.id}`, { status: 'verified', note: '抽检报告属实' });
    expect(confirmed.status).to.equal(303);
    expect((await h.api().get(`/api/v1/grounds/${lead.body.id}`).set(auth(sup))).body.status).to.equal('verified');
    // a plan, stopped with its reason
    const ag = await createAgency('420102');
    for (let i = 0; i < 3; i++) await addInspector(ag.id);
    for (let i = 0; i < 10; i++) await createEnterprise('420102', { riskClass: 'C' });
    const plan = await h
      .api()
      .post('/api/v1/draw-plans')
      .set(auth(sup))
      .send({ agencyId: ag.id, name: '年度抽查', filter: {}, ratio: 0.2 });
    expect(plan.status, JSON.stringify(plan.body)).to.equal(201);
    await c.get('/dashboard');
    const stopped = await c.post(`/dashboard/draw-plans/${plan.body.id}/stop`, { reason: '专项整治期间暂停' });
    expect(stopped.status).to.equal(303);
    expect((await c.get('/dashboard')).text)
      .to.include('已停止')
      .and.include('专项整治期间暂停');
  });

  it('a joint agency accepts or declines on the filing page; the page shows each answer', async () => {
    const h = await harness();
    const w = await world();
    const partner = await createAgency(w.region, ['SAFE-01']);
    const officer = await addInspector(partner.id);
    const joint = await file(w, { jointAgencyIds: [partner.id], inspectorIds: [w.inspectorIds[0], officer] });
    expect(joint.status, JSON.stringify(joint.body)).to.equal(201);
    const id = joint.body.filing.id as string;
    const c = await signedIn(partner.key);
    const page = await c.get(`/filings/${id}`);
    expect(page.text).to.include('联合检查答复').and.include('待答复');
    const noReason = await c.post(`/filings/${id}/joint`, { answer: 'decline', reason: '' });
    expect(noReason.status).to.equal(400);
    // the page refuses what the API refuses: a reason longer than 2,000 characters
    const huge = await c.post(`/filings/${id}/joint`, { answer: 'decline', reason: 'x'.repeat(2_500) });
    expect(huge.status).to.equal(400);
    const accepted = await c.post(`/filings/${id}/joint`, { answer: 'accept', reason: '' });
    expect(accepted.status).to.equal(303);
    const after = await c.get(`/filings/${id}`);
    expect(after.text).to.include('已接受').and.not.include('联合检查答复');
    expect((await h.api().get(`/api/v1/filings/${id}`).set(auth(w.agencyKey))).body.filing.jointAgencies[0].status).to.equal('accepted');
  });
});
