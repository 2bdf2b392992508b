import { expect } from 'chai';
import { apiRoutes } from '../../src/http/app.js';
import { ADMIN_KEY, harness } from '../support/harness.js';
import {
  addInspector,
  auth,
  createEnterprise,
  createKey,
  file,
  filingBody,
  fromNow,
  registerGround,
  unique,
  world,
  type World,
} from '../support/fixtures.js';

type Who =
  'anonymous' | 'admin' | 'supervisorIn' | 'supervisorOut' | 'agencyOwn' | 'agencyOther' | 'enterpriseOwn' | 'enterpriseOther' | 'hotline';
const EVERYONE: Who[] = [
  'anonymous',
  'admin',
  'supervisorIn',
  'supervisorOut',
  'agencyOwn',
  'agencyOther',
  'enterpriseOwn',
  'enterpriseOther',
  'hotline',
];

interface Case {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  body?: () => Record<string, unknown>;
  /** who gets through; everyone else must get 401, 403 or 404 and change nothing */
  allowed: Who[];
  /**
   * answered 404 yet recorded on purpose: an enterprise confirming a visit no filing of its own
   * covers reports it (tested in violations.test)
   */
  reports?: Who[];
}

describe('security: every role against every endpoint', () => {
  let own: World;
  let other: World;
  let keys: Record<Who, string | null>;
  let filingId: string;
  let code: string;
  let violationId: string;
  let drawId: string;
  let spareKeyId: string;
  let spareInspectorId: string;
  let groundId: string;
  let planId: string;
  let jointFilingId: string;
  let selfGroundId: string;

  before(async () => {
    own = await world('110101');
    other = await world('330102');
    const filed = (await file(own)).body.filing;
    filingId = filed.id;
    code = filed.verifyCode;
    keys = {
      anonymous: null,
      admin: ADMIN_KEY,
      supervisorIn: await createKey({ role: 'supervisor', regions: ['1101'] }),
      supervisorOut: await createKey({ role: 'supervisor', regions: ['33'] }),
      agencyOwn: own.agencyKey,
      agencyOther: other.agencyKey,
      enterpriseOwn: own.enterpriseKey,
      enterpriseOther: other.enterpriseKey,
      hotline: await createKey({ role: 'hotline' }),
    };
    const h = await harness();
    spareInspectorId = await addInspector(own.agencyId);
    spareKeyId = (await h.api().post('/api/v1/keys').set(auth(ADMIN_KEY)).send({ role: 'supervisor', name: 'spare' })).body.id;
    violationId = (await h.api().post('/api/v1/reports').set(auth(own.enterpriseKey)).send(reportBody())).body.violationId;
    // a committed draw of the own agency, made by the county (a third inspector, at least ten enterprises)
    await addInspector(own.agencyId);
    for (let i = 0; i < 10; i++) await createEnterprise('110101');
    const plan = await h
      .api()
      .post('/api/v1/draw-plans')
      .set(auth(ADMIN_KEY))
      .send({ agencyId: own.agencyId, name: '安全测试抽查', filter: { region: '110101' }, size: 1 });
    expect(plan.status, JSON.stringify(plan.body)).to.equal(201);
    drawId = plan.body.nextDraw.id;
    planId = plan.body.id;
    // a ticket the admin registered for the own enterprise (assigned to nobody), and a lead the own agency registered itself
    groundId = (await registerGround(own.uscc)).id;
    const self = await h
      .api()
      .post('/api/v1/grounds')
      .set(auth(own.agencyKey))
      .send({ kind: 'monitoring', reference: unique('抽检-'), enterpriseUscc: own.uscc });
    expect(self.status, JSON.stringify(self.body)).to.equal(201);
    selfGroundId = self.body.id;
    // a joint visit led by the own agency with the other one, which a referral sends here
    await registerGround(own.uscc, { kind: 'referral', agencyIds: [other.agencyId] });
    const joint = await file(own, { jointAgencyIds: [other.agencyId], inspectorIds: [own.inspectorIds[0], other.inspectorIds[0]] });
    expect(joint.status, JSON.stringify(joint.body)).to.equal(201);
    jointFilingId = joint.body.filing.id;
    // a day whose digest has been made, for the digest route
    expect((await h.api().post('/api/v1/jobs/digest/run').set(auth(ADMIN_KEY)).send({ date: '2026-01-05' })).status).to.equal(200);
  });

  const reportBody = () => ({
    kind: 'unfiled_inspection',
    occurredAt: fromNow(-3_600_000),
    agencyId: own.agencyId,
    description: '未出示备案码入企检查',
  });

  const cases = (): Case[] => [
    {
      method: 'post',
      path: '/api/v1/agencies',
      allowed: ['admin'],
      body: () => ({ code: `SEC-${Math.random().toString(36).slice(2)}`, name: 'n', region: '110101', items: [] }),
    },
    { method: 'get', path: '/api/v1/agencies', allowed: ['admin', 'supervisorIn', 'supervisorOut', 'agencyOwn', 'agencyOther'] },
    {
      method: 'get',
      path: `/api/v1/agencies/${own.agencyId}`,
      allowed: ['admin', 'supervisorIn', 'supervisorOut', 'agencyOwn', 'agencyOther'],
    },
    {
      method: 'post',
      path: `/api/v1/agencies/${own.agencyId}/inspectors`,
      allowed: ['admin'],
      body: () => ({ name: 'n', credentialNo: `SEC${Math.random().toString().slice(2, 12)}`, validUntil: '2030-01-01' }),
    },
    { method: 'post', path: '/api/v1/enterprises', allowed: ['admin'], body: () => ({ uscc: own.uscc, name: 'n', region: '110101' }) },
    {
      method: 'get',
      path: `/api/v1/enterprises/${own.uscc}`,
      allowed: ['admin', 'supervisorIn', 'agencyOwn', 'agencyOther', 'enterpriseOwn'],
    },
    { method: 'post', path: '/api/v1/keys', allowed: ['admin'], body: () => ({ role: 'supervisor', name: 'n' }) },
    { method: 'get', path: '/api/v1/keys', allowed: ['admin'] },
    { method: 'patch', path: `/api/v1/agencies/${other.agencyId}`, allowed: ['admin'], body: () => ({ active: true }) },
    {
      method: 'post',
      path: `/api/v1/agencies/${own.agencyId}/inspectors/${spareInspectorId}/revoke`,
      allowed: ['admin'],
      body: () => ({ reason: '安全测试' }),
    },
    { method: 'get', path: '/api/v1/enterprises', allowed: ['admin', 'supervisorIn', 'supervisorOut', 'agencyOwn', 'agencyOther'] },
    { method: 'patch', path: `/api/v1/enterprises/${own.uscc}`, allowed: ['admin'], body: () => ({ name: '同名企业' }) },
    // accounts (issue 19): a supervisor of another region is told the enterprise does not exist (404)
    { method: 'post', path: `/api/v1/enterprises/${own.uscc}/activation`, allowed: ['admin', 'supervisorIn'] },
    { method: 'post', path: `/api/v1/keys/${spareKeyId}/activation`, allowed: ['admin'], body: () => ({}) },
    { method: 'delete', path: `/api/v1/keys/${spareKeyId}`, allowed: ['admin'] },
    { method: 'post', path: '/api/v1/filings', allowed: ['agencyOwn', 'agencyOther'], body: () => filingBody(own) },
    { method: 'post', path: '/api/v1/filings/check', allowed: ['agencyOwn', 'agencyOther'], body: () => filingBody(own) },
    { method: 'get', path: '/api/v1/filings', allowed: EVERYONE.filter((w) => w !== 'anonymous' && w !== 'hotline') },
    {
      method: 'post',
      path: '/api/v1/grounds',
      // the hotline platform pushes complaints; the own agency a lead about an enterprise in its jurisdiction
      allowed: ['admin', 'supervisorIn', 'agencyOwn', 'hotline'],
      body: () => ({ kind: 'complaint', reference: unique('12345-'), enterpriseUscc: own.uscc }),
    },
    { method: 'get', path: '/api/v1/grounds', allowed: ['admin', 'supervisorIn', 'supervisorOut', 'agencyOwn', 'agencyOther'] },
    { method: 'get', path: `/api/v1/grounds/${groundId}`, allowed: ['admin', 'supervisorIn', 'agencyOwn'] },
    {
      method: 'patch',
      path: `/api/v1/grounds/${selfGroundId}`,
      // the first allowed call confirms it, the next gets 409: the door opened either way
      allowed: ['admin', 'supervisorIn'],
      body: () => ({ status: 'verified', note: '已核实抽检报告' }),
    },
    { method: 'get', path: `/api/v1/filings/${filingId}`, allowed: ['admin', 'supervisorIn', 'agencyOwn', 'enterpriseOwn'] },
    {
      method: 'post',
      path: `/api/v1/filings/${filingId}/result`,
      allowed: ['agencyOwn'],
      body: () => ({ conductedAt: fromNow(0), outcome: 'no_issues', summary: 's' }),
    },
    { method: 'post', path: `/api/v1/filings/${filingId}/cancel`, allowed: ['agencyOwn'], body: () => ({ reason: 'r' }) },
    // only the joint agency answers; the lead sees the filing and is refused (403)
    { method: 'post', path: `/api/v1/filings/${jointFilingId}/joint/accept`, allowed: ['agencyOther'], body: () => ({}) },
    {
      method: 'post',
      path: `/api/v1/filings/${jointFilingId}/joint/decline`,
      allowed: ['agencyOther'],
      body: () => ({ reason: '另有安排' }),
    },
    { method: 'post', path: `/api/v1/verify/${code}/arrival`, allowed: ['agencyOwn', 'enterpriseOwn'], reports: ['enterpriseOther'] },
    { method: 'get', path: '/api/v1/violations', allowed: ['admin', 'supervisorIn', 'supervisorOut'] },
    { method: 'get', path: `/api/v1/violations/${violationId}`, allowed: ['admin', 'supervisorIn'] },
    {
      method: 'post',
      path: '/api/v1/violations',
      allowed: ['admin', 'supervisorIn'],
      body: () => ({
        kind: 'unfiled_inspection',
        agencyId: own.agencyId,
        enterpriseUscc: own.uscc,
        occurredAt: fromNow(-3_600_000),
        description: '暗访发现未备案检查',
      }),
    },
    {
      method: 'patch',
      path: `/api/v1/violations/${violationId}`,
      allowed: ['admin', 'supervisorIn'],
      body: () => ({ status: 'acknowledged', note: '已受理' }),
    },
    {
      method: 'post',
      path: '/api/v1/violations/bulk',
      // a supervisor of other regions is told the violation is not there (404): nothing changes
      allowed: ['admin', 'supervisorIn'],
      body: () => ({ ids: [violationId], status: 'acknowledged', note: '批量受理' }),
    },
    // Prometheus scrapes with METRICS_TOKEN; without one configured, an admin key opens it
    { method: 'get', path: '/metrics', allowed: ['admin'] },
    { method: 'get', path: '/api/v1/attempts', allowed: ['admin', 'supervisorIn', 'supervisorOut'] },
    { method: 'post', path: '/api/v1/reports', allowed: ['enterpriseOwn', 'enterpriseOther'], body: reportBody },
    // each enterprise sees its own reports only (tested in reports-follow-up.test)
    { method: 'get', path: '/api/v1/reports', allowed: ['enterpriseOwn', 'enterpriseOther'] },
    // the reporting enterprise gets 409 until the report is closed: the door opened; another enterprise gets 404
    { method: 'post', path: `/api/v1/reports/${violationId}/satisfaction`, allowed: ['enterpriseOwn'], body: () => ({ rating: 4 }) },
    { method: 'post', path: `/api/v1/filings/${filingId}/feedback`, allowed: ['enterpriseOwn'], body: () => ({ rating: 5 }) },
    { method: 'post', path: '/api/v1/jobs/sweep/run', allowed: ['admin'], body: () => ({}) },
    {
      method: 'post',
      path: '/api/v1/draw-plans',
      // an agency never designs its own random draw
      allowed: ['admin', 'supervisorIn'],
      // refused as too small a population (400) once through the door: nothing is recorded either way
      body: () => ({ agencyId: own.agencyId, name: '抽查计划', filter: { region: '110101', industry: '无此行业' }, ratio: 0.2 }),
    },
    // allowed roles get 409 here (not drawn yet): the door opened
    { method: 'get', path: `/api/v1/draws/${drawId}/inputs`, allowed: ['admin', 'supervisorIn'] },
    // the admin gets 409 here (not drawn yet): the door opened; a recheck re-runs a draw, for admins only
    { method: 'post', path: `/api/v1/draws/${drawId}/recheck`, allowed: ['admin'], body: () => ({}) },
    // allowed roles get 200 once, then 409 (nothing due): the door opened
    { method: 'post', path: `/api/v1/draw-plans/${planId}/draw`, allowed: ['admin', 'supervisorIn'], body: () => ({}) },
    {
      method: 'post',
      path: `/api/v1/draw-plans/${planId}/stop`,
      // the first allowed call stops it, the next gets 409
      allowed: ['admin', 'supervisorIn'],
      body: () => ({ reason: '安全测试' }),
    },
    { method: 'get', path: '/api/v1/draw-plans', allowed: ['admin', 'supervisorIn', 'supervisorOut', 'agencyOwn', 'agencyOther'] },
    { method: 'get', path: '/api/v1/jobs', allowed: ['admin'] },
    { method: 'get', path: '/api/v1/digests', allowed: ['admin', 'supervisorIn', 'supervisorOut'] },
    { method: 'get', path: '/api/v1/digests/2026-01-05', allowed: ['admin', 'supervisorIn', 'supervisorOut'] },
    {
      method: 'get',
      path: '/api/v1/scorecards?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
      allowed: ['admin', 'supervisorIn', 'supervisorOut'],
    },
    { method: 'get', path: '/api/v1/rulesets', allowed: ['admin', 'supervisorIn', 'supervisorOut'] },
    { method: 'post', path: '/api/v1/rulesets/reload', allowed: ['admin'] },
  ];

  it('covers every authenticated route the server has', () => {
    // each case's path as the route table writes it: its ids and values back to their parameters
    const asRoute: [string, string][] = [
      [own.agencyId, ':id'],
      [own.uscc, ':uscc'],
      [filingId, ':id'],
      [code, ':code'],
      [violationId, ':id'],
      [drawId, ':id'],
      [spareKeyId, ':id'],
      [other.agencyId, ':id'],
      [spareInspectorId, ':inspectorId'],
      [groundId, ':id'],
      [selfGroundId, ':id'],
      [planId, ':id'],
      [jointFilingId, ':id'],
      ['/jobs/sweep/', '/jobs/:name/'],
      ['2026-01-05', ':date'],
    ];
    const pattern = (path: string) => asRoute.reduce((p, [value, param]) => p.replace(value, param), path).split('?')[0];
    const covered = new Set(cases().map((c) => `${c.method} ${pattern(c.path)}`));
    const authenticated = apiRoutes.filter((r) => r.auth !== 'public').map((r) => `${r.method} ${r.path}`);
    expect([...covered].sort()).to.deep.equal([...authenticated].sort());
  });

  it('refuses everyone not allowed, with 401/403/404, and the refused calls change nothing', async () => {
    const h = await harness();
    const db = h.runtime.store.db;
    const stateOf = async () =>
      JSON.stringify(await db.selectFrom('audit_events').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow());
    for (const c of cases()) {
      const denied = EVERYONE.filter((w) => !c.allowed.includes(w) && !c.reports?.includes(w));
      for (const who of denied) {
        const before = await stateOf();
        let req = h.api()[c.method](c.path);
        const key = keys[who];
        if (key) req = req.set(auth(key));
        const res = c.body ? await req.send(c.body()) : await req;
        const label = `${who} ${c.method.toUpperCase()} ${c.path} -> ${res.status}`;
        expect(res.status, label).to.be.oneOf(who === 'anonymous' ? [401] : [403, 404]);
        expect(res.body.error.code, label).to.be.oneOf(['unauthorized', 'forbidden', 'not_found']);
        expect(await stateOf(), label).to.equal(before);
      }
    }
  });

  it('lets the allowed roles through', async () => {
    const h = await harness();
    for (const c of cases()) {
      for (const who of c.allowed) {
        const res = await (c.body
          ? h.api()[c.method](c.path).set(auth(keys[who]!)).send(c.body())
          : h.api()[c.method](c.path).set(auth(keys[who]!)));
        // 400/409/422 are fine here (someone else's inspectors, a second cancel, a blocked
        // filing): the point is that the door opened, and nothing failed on the server
        const label = `${who} ${c.method.toUpperCase()} ${c.path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        expect(res.status, label).not.to.be.oneOf([401, 403, 404]);
        expect(res.status, label).to.be.below(500);
      }
    }
  });

  it('lists show each principal only its own scope', async () => {
    const h = await harness();
    const otherFiling = (await file(other)).body.filing.id as string;
    const idsFor = async (who: Who, query = '') =>
      ((await h.api().get(`/api/v1/filings?limit=500${query}`).set(auth(keys[who]!))).body.items as { id: string }[]).map((f) => f.id);
    expect(await idsFor('agencyOther')).not.to.include(filingId);
    expect(await idsFor('agencyOther', `&agency=${own.agencyId}`)).to.deep.equal([]);
    expect(await idsFor('enterpriseOther', `&enterprise=${own.uscc}`)).to.deep.equal([]);
    expect(await idsFor('enterpriseOther')).to.deep.equal([otherFiling]);
    expect(await idsFor('supervisorOut')).not.to.include(filingId);
    expect(await idsFor('supervisorOut')).to.include(otherFiling);
    expect(await idsFor('supervisorIn')).to.include(filingId);
    expect(await idsFor('supervisorIn')).not.to.include(otherFiling);
  });

  it('keys and full credential numbers never reach the logs or a response', async () => {
    const h = await harness();
    const logs = h.logs.text();
    for (const key of Object.values(keys)) if (key) expect(logs).not.to.include(key);
    const credentials = await h.runtime.store.db.selectFrom('inspectors').select('credential_no').execute();
    const agencyView = JSON.stringify((await h.api().get(`/api/v1/agencies/${own.agencyId}`).set(auth(ADMIN_KEY))).body);
    const verifyView = JSON.stringify((await h.api().get(`/api/v1/verify/${code}`)).body);
    for (const { credential_no } of credentials) {
      expect(logs).not.to.include(credential_no);
      expect(agencyView).not.to.include(credential_no);
      expect(verifyView).not.to.include(credential_no);
    }
    const audit = JSON.stringify(await h.runtime.store.db.selectFrom('audit_events').select('payload').execute());
    for (const key of Object.values(keys)) if (key) expect(audit).not.to.include(key);
  });

  it('sends security headers', async () => {
    const h = await harness();
    const res = await h.api().get('/healthz');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['content-security-policy']).to.include("default-src 'self'");
    expect(res.headers['x-powered-by']).to.equal(undefined);
    // JSON is never a page: nothing may sniff, frame or embed it
    const api = await h.api().get('/api/v1/verify/ABCDEFGHJKLMNP');
    expect(api.headers).to.include({
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(api.headers['strict-transport-security']).to.equal(undefined);
    // the router matches paths without regard to case, so the headers must too
    const shouted = await h.api().get('/API/V1/verify/ABCDEFGHJKLMNP');
    expect(shouted.headers['content-security-policy']).to.equal("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect((await h.api().get('/healthz').set('X-Request-Id', 'gateway-123')).headers['x-request-id']).to.equal('gateway-123');
    // one access line per response, with the request id, at a level that follows the status
    await h.api().get('/api/v1/filings/fil_nope').set('X-Request-Id', 'gateway-404').set(auth(ADMIN_KEY));
    const lines = h.logs.lines.map((l) => JSON.parse(l) as { reqId?: string; status?: number; level: number; url?: string });
    expect(lines.find((l) => l.reqId === 'gateway-123')).to.include({ status: 200, level: 30, url: '/healthz' });
    expect(lines.find((l) => l.reqId === 'gateway-404')).to.include({ status: 404, level: 40 });
  });
});
