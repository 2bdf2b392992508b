import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { makeUscc, USCC_ALPHABET } from '../../src/domain/uscc.js';
import { ADMIN_KEY, clock, harness } from './harness.js';

export const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
export const admin = auth(ADMIN_KEY);

export function randomUscc(region = '110101'): string {
  const body = Array.from(randomBytes(9), (b) => USCC_ALPHABET[b % 31]).join('');
  return makeUscc('91', region, body);
}

let seq = 0;
/** A name no other test uses (codes, credential numbers). */
export const unique = (prefix: string) => `${prefix}${(seq++).toString(36)}${randomBytes(4).toString('hex')}`;

export interface World {
  agencyId: string;
  agencyKey: string;
  inspectorIds: string[];
  uscc: string;
  enterpriseKey: string;
  region: string;
}

export async function createKey(body: Record<string, unknown>): Promise<string> {
  const h = await harness();
  const res = await h
    .api()
    .post('/api/v1/keys')
    .set(admin)
    .send({ name: unique('key-'), ...body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.key as string;
}

export async function createAgency(region = '110101', items = ['SAFE-01', 'SAFE-02', 'FIRE-01']): Promise<{ id: string; key: string }> {
  const h = await harness();
  const res = await h
    .api()
    .post('/api/v1/agencies')
    .set(admin)
    .send({
      code: unique('AG'),
      name: `测试执法局 ${unique('')}`,
      region,
      items: items.map((code) => ({ code, name: `事项 ${code}`, basis: '依据' })),
    });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { id: res.body.id as string, key: await createKey({ role: 'agency', agencyId: res.body.id }) };
}

export async function addInspector(agencyId: string, validUntil = '2099-12-31'): Promise<string> {
  const h = await harness();
  const res = await h
    .api()
    .post(`/api/v1/agencies/${agencyId}/inspectors`)
    .set(admin)
    .send({ name: '执法员', credentialNo: `LN${randomBytes(6).toString('hex').toUpperCase()}`, validUntil });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.id as string;
}

export async function createEnterprise(region = '110101', extra: Record<string, unknown> = {}): Promise<string> {
  const h = await harness();
  const uscc = randomUscc(region);
  const res = await h
    .api()
    .post('/api/v1/enterprises')
    .set(admin)
    .send({ uscc, name: `测试企业 ${uscc.slice(-6)}`, region, ...extra });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return uscc;
}

/**
 * An agency with two certified inspectors and an enterprise with its own key, in one region.
 * The enterprise is risk class D (annual cap 4) so that tests may file for it a few times;
 * tests of the cap itself choose their class.
 */
export async function world(region = '110101', enterprise: Record<string, unknown> = { riskClass: 'D' }): Promise<World> {
  const agency = await createAgency(region);
  const inspectorIds = [await addInspector(agency.id), await addInspector(agency.id)];
  const uscc = await createEnterprise(region, enterprise);
  const enterpriseKey = await createKey({ role: 'enterprise', uscc });
  return { agencyId: agency.id, agencyKey: agency.key, inspectorIds, uscc, enterpriseKey, region };
}

const HOUR = 3_600_000;
/** A body that passes every default rule: two days after `now` (the test clock's), eight hours long. */
export function filingBody(w: World, over: Record<string, unknown> = {}, now = clock.now()): Record<string, unknown> {
  const start = new Date(now.getTime() + 48 * HOUR);
  const body: Record<string, unknown> = {
    enterpriseUscc: w.uscc,
    type: 'routine',
    itemCodes: ['SAFE-01'],
    inspectorIds: w.inspectorIds,
    plannedStart: start.toISOString(),
    plannedEnd: new Date(start.getTime() + 8 * HOUR).toISOString(),
    onSiteJustification: '企业自查报告存在疑点，需现场核实',
    ...over,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** `days` calendar days after the test clock's day in Asia/Shanghai, at `hour`:00 there: for tests about calendar days. */
export function shanghaiAt(days: number, hour: number, now = clock.now()): Date {
  const today = new Date(now.getTime() + 8 * HOUR).toISOString().slice(0, 10);
  return new Date(Date.parse(`${today}T${String(hour).padStart(2, '0')}:00:00+08:00`) + days * 24 * HOUR);
}

export async function file(w: World, over: Record<string, unknown> = {}) {
  const h = await harness();
  return h.api().post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w, over));
}

/** Polls a condition until it holds or the deadline passes (on the monotonic clock); tests never sleep a fixed time. */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The instant `ms` after the test clock's now (before it, if negative). */
export const later = (ms: number): Date => new Date(clock.now().getTime() + ms);
/** The same, as the API takes it. */
export const fromNow = (ms: number): string => later(ms).toISOString();

/**
 * A ground in the county's register, registered by the admin for an enterprise (or, for a
 * campaign, for nobody): what a case or a higher campaign cites. Valid a year back and two years
 * ahead of the test clock unless the test says otherwise.
 */
export async function registerGround(
  uscc: string | null,
  over: Record<string, unknown> = {},
): Promise<{ id: string; kind: string; reference: string }> {
  const h = await harness();
  const day = (ms: number) => new Date(clock.now().getTime() + 8 * 3_600_000 + ms).toISOString().slice(0, 10);
  const kind = (over.kind as string | undefined) ?? 'complaint';
  const res = await h
    .api()
    .post('/api/v1/grounds')
    .set(admin)
    .send({
      kind,
      reference: unique(kind === 'campaign' ? '辽市监发〔2026〕' : '12345-'),
      ...(kind === 'campaign' ? { level: 'higher' } : { enterpriseUscc: uscc }),
      validFrom: day(-365 * 86_400_000),
      validTo: day(730 * 86_400_000),
      ...over,
    });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { id: res.body.id as string, kind: res.body.kind as string, reference: res.body.reference as string };
}

/** The fields of a case filing grounded on a freshly registered complaint about the world's enterprise. */
export async function caseOn(w: Pick<World, 'uscc'>, over: Record<string, unknown> = {}) {
  const g = await registerGround(w.uscc, over);
  return { type: 'case', reason: '投诉举报核查', trigger: { kind: g.kind, reference: g.reference } };
}

/** The fields of a special filing for a freshly registered higher campaign (naming no agency). */
export async function campaignOn(over: Record<string, unknown> = {}) {
  const g = await registerGround(null, { kind: 'campaign', ...over });
  return { type: 'special', campaign: { level: 'higher', reference: g.reference } };
}

/** An emergency's trigger: its ground is registered afterwards (or not, and the sweep says so). */
export const emergencyTrigger = () => ({ kind: 'accident', reference: unique('SG-') });
