import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'kysely';
import type supertest from 'supertest';
import { harness } from '../support/harness.js';
import { admin, auth, createAgency, createEnterprise, createKey, filingBody, type World } from '../support/fixtures.js';
import { filingForm, pageClient, signedIn, type PageClient } from '../support/web.js';
import { detailTexts, messages } from '../../src/domain/messages.js';
import { fieldLabels } from '../../src/domain/field-labels.js';
import { apiRoutes } from '../../src/http/app.js';

// "No ASCII field name or rule id appears in a Chinese message shown to a user": every error the
// API answers about a filing, every finding's message and basis, and the visible text of every
// page, asked for in Chinese, is searched for identifiers (plannedStart, conduct.N4, in_progress,
// max). What the user typed or the registry holds (codes, ids, names) is data, not a leak: it is
// taken out of the text first.

/**
 * Latin words a Chinese text may carry, each because people write it so: JSON and UTF-8 (the
 * API's format and encoding, named in its errors), CSV (the import format), and "English" (the
 * language switch, written in the language it switches to).
 */
const ALLOWED = new Set(['JSON', 'UTF', 'CSV', 'English']);
const IDENTIFIER = /[A-Za-z_]{3,}[A-Za-z0-9_.]*/g;
const HOUR = 3_600_000;

/**
 * Everything the database holds that a page may show as it is (names, ids, codes, numbers, what
 * people typed): data, whichever test made it. The suite shares one database, so a supervisor's
 * page shows other tests' violations and an agency's form other agencies.
 */
async function storedData(): Promise<string[]> {
  const db = (await harness()).runtime.store.db;
  const { rows } = await sql<{ v: string | null }>`
    select unnest(array[id, name, code]) as v from agencies
    union select unnest(array[id, name, credential_no]) from inspectors
    union select unnest(array[uscc, name, right(uscc, 6)]) from enterprises
    union select unnest(array[id, filing_no, verify_code]) from filings
    union select unnest(array[id, description, hotline_ticket]) from violations
    union select unnest(array[id, reference, title]) from grounds
    union select unnest(array[id, name]) from api_keys
    union select unnest(array[id, name]) from draw_plans
    union select unnest(array[code, name]) from agency_items`.execute(db);
  return rows.flatMap((r) => (r.v ? r.v.split(/\s+/) : [])).filter((v) => v.length >= 3);
}

/** Where a leak is, for the failure message. */
const around = (text: string, word: string) => {
  const at = text.indexOf(word);
  return text.slice(Math.max(0, at - 30), at + word.length + 30).replace(/\s+/g, ' ');
};

/** The identifiers left in a text once the data in it is taken out. */
function leaks(text: string, data: readonly string[]): string[] {
  let t = text;
  // longest first: an id may contain a shorter code
  for (const d of [...data].filter(Boolean).sort((a, b) => b.length - a.length)) t = t.split(d).join(' ');
  return (t.match(IDENTIFIER) ?? []).filter((w) => !ALLOWED.has(w.replace(/[._]+$/, '')));
}

type Localized = { 'zh-CN': string; en: string };
interface Finding {
  ruleId: string;
  message: Localized;
  basis: Localized;
  title?: Localized;
}

/** Every text of an answer a person reads: the message, each detail, each finding's message, basis and name. */
function textsOf(res: supertest.Response): string[] {
  const b = res.body as {
    error?: { message: string; details: { message: string }[] };
    decision?: { findings: Finding[] };
  };
  const out: string[] = [];
  if (b.error) out.push(b.error.message, ...b.error.details.map((d) => d.message));
  for (const f of b.decision?.findings ?? []) out.push(f.message['zh-CN'], f.basis['zh-CN'], ...(f.title ? [f.title['zh-CN']] : []));
  return out;
}

/** What a page shows: its text and the attributes read out or shown (not titles, values or links). */
function visibleText(html: string): string {
  const shown = [...html.matchAll(/\s(?:placeholder|alt|aria-label)="([^"]*)"/g)].map((m) => m[1]);
  const body = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ');
  return (
    [body, ...shown]
      .join('\n')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      // what a person reads off and types: a web address (the notice's), a code in groups (K7M2-P9QX)
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/\b[A-Z0-9]{4}(?:-[A-Z0-9]{4})+\b/g, ' ')
  );
}

describe('Chinese throughout: no field name, rule id or enum value in a Chinese message', () => {
  const zh = { 'Accept-Language': 'zh-CN' };
  let w: World;
  let data: string[];
  /** what each answer said, with where it was asked, for one report of every leak */
  const found: string[] = [];
  const seen = new Set<number>();

  const check = (where: string, res: supertest.Response, extra: string[] = []) => {
    seen.add(res.status);
    for (const t of textsOf(res)) for (const l of leaks(t, [...data, ...extra])) found.push(`${where} → ${l} in “${t}”`);
  };

  before(async () => {
    const h = await harness();
    // Xifeng (211223): the Liaoning set and the county's seven not-allowed apply; item codes and
    // credential numbers in digits, so what is left of Latin letters in a text is ours
    const items = ['0101', '0102', '0103'];
    const agency = await createAgency('211223', items);
    const inspectorIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await h
        .api()
        .post(`/api/v1/agencies/${agency.id}/inspectors`)
        .set(admin)
        .send({ name: `执法员${i + 1}`, credentialNo: `2112230${randomInt(100000)}${i}`, validUntil: '2099-12-31' });
      inspectorIds.push(res.body.id as string);
    }
    const uscc = await createEnterprise('211223', { riskClass: 'A' });
    w = {
      agencyId: agency.id,
      agencyKey: agency.key,
      inspectorIds,
      uscc,
      enterpriseKey: await createKey({ role: 'enterprise', uscc, name: '企业密钥' }),
      region: '211223',
    };
    data = [agency.id, ...inspectorIds, uscc, uscc.slice(-6), ...items, await agencyName(agency.id)];
  });

  const body = (over: Record<string, unknown> = {}) => filingBody(w, { itemCodes: ['0101'], ...over });

  describe('the API, asked in Chinese', () => {
    it('every refusal of a filing body names fields by their Chinese labels (/filings and /filings/check)', async () => {
      const h = await harness();
      const good = body();
      const drop = (k: string) => Object.fromEntries(Object.entries(good).filter(([x]) => x !== k));
      const past = new Date(h.clock.now().getTime() - 5 * HOUR);
      const bodies: [string, unknown][] = [
        ['an empty body', {}],
        ['an array', [good]],
        ['an unknown field', { ...good, extra: 1 }],
        ...Object.keys(good).map((k): [string, unknown] => [`without ${k}`, drop(k)]),
        ['type not a type', { ...good, type: 'weekly' }],
        ['purpose not a purpose', { ...good, purpose: 'sightseeing' }],
        [
          'trigger of an unknown kind',
          { ...good, type: 'case', reason: '群众投诉噪声扰民', trigger: { kind: 'rumour', reference: '12345-1' } },
        ],
        ['campaign of a local level', { ...good, type: 'special', campaign: { level: 'county', reference: '西政发〔2026〕1号' } }],
        ['no items', { ...good, itemCodes: [] }],
        ['no inspectors', { ...good, inspectorIds: [] }],
        ['items as a string', { ...good, itemCodes: '0101' }],
        ['on-site as text', { ...good, onSite: 'yes' }],
        ['too many items', { ...good, itemCodes: Array.from({ length: 101 }, (_, i) => String(i)) }],
        ['too many joint agencies', { ...good, jointAgencyIds: Array.from({ length: 21 }, (_, i) => String(i)) }],
        ['a start that is no date', { ...good, plannedStart: 'tomorrow morning' }],
        ['a start in month 13', { ...good, plannedStart: '2026-13-01T09:00:00+08:00' }],
        ['a start in the year 3000', { ...good, plannedStart: '3000-01-01T09:00:00+08:00' }],
        ['a reason too long', { ...good, reason: '理'.repeat(2001) }],
        ['an end before the start', { ...good, plannedEnd: new Date(Date.parse(String(good.plannedStart)) - HOUR).toISOString() }],
        ['a trigger on a routine inspection', { ...good, trigger: { kind: 'complaint', reference: '12345-1' } }],
        ['a campaign on a routine inspection', { ...good, campaign: { level: 'higher', reference: '西政发〔2026〕1号' } }],
        ['a draw assignment on a routine inspection', { ...good, drawAssignmentId: 'x' }],
        ['a random inspection without its assignment', { ...good, type: 'random' }],
        ['a credit code too short', { ...good, enterpriseUscc: '9121' }],
        [
          'a credit code with a wrong check character',
          { ...good, enterpriseUscc: `${w.uscc.slice(0, 17)}${w.uscc.endsWith('0') ? '1' : '0'}` },
        ],
        ['an enterprise not registered', { ...good, enterpriseUscc: '91211223MA0000000P' }],
        ['an unknown inspector', { ...good, inspectorIds: [w.inspectorIds[0], 'nobody'] }],
        ['the agency itself as a joint agency', { ...good, jointAgencyIds: [w.agencyId] }],
        ['an unknown joint agency', { ...good, jointAgencyIds: ['nowhere'] }],
        ['a NUL in the reason', { ...good, reason: 'a\u0000b' }],
      ];
      for (const path of ['/api/v1/filings/check', '/api/v1/filings']) {
        for (const [name, b] of bodies) {
          const res = await h
            .api()
            .post(path)
            .set(auth(w.agencyKey))
            .set(zh)
            .send(b as object);
          expect(res.status, `${path} ${name}: ${JSON.stringify(res.body)}`).to.be.within(200, 499);
          check(`${path} ${name}`, res, ['tomorrow morning', 'sightseeing', 'rumour', 'county', 'weekly', 'yes', 'nobody', 'nowhere']);
        }
      }
      // a missing field is said as a form says it
      const missing = await h.api().post('/api/v1/filings/check').set(auth(w.agencyKey)).set(zh).send(drop('plannedStart'));
      expect(missing.body.error.details).to.deep.include({ path: '/plannedStart', message: '开始时间：必填' });
      const none = await h
        .api()
        .post('/api/v1/filings/check')
        .set(auth(w.agencyKey))
        .set(zh)
        .send({ ...good, itemCodes: [] });
      expect(none.body.error.details).to.deep.include({ path: '/itemCodes', message: '检查事项：至少选择 1 项' });
      const en = await h.api().post('/api/v1/filings/check').set(auth(w.agencyKey)).set('Accept-Language', 'en').send(drop('plannedStart'));
      expect(en.body.error.details).to.deep.include({ path: '/plannedStart', message: 'Planned start: required' });
      const enums = await h
        .api()
        .post('/api/v1/filings/check')
        .set(auth(w.agencyKey))
        .set(zh)
        .send({ ...good, type: 'weekly' });
      expect(enums.body.error.details[0].message).to.equal(
        '检查类型：应为以下之一：“日常检查”、“个案检查”、“专项检查”、“双随机抽查”、“紧急检查”',
      );
      void past;
    });

    it('every finding the rules can give for these bodies reads in Chinese, with its rule named in Chinese', async () => {
      const h = await harness();
      const start = (hours: number) => new Date(h.clock.now().getTime() + hours * HOUR);
      const window = (from: number, hours: number) => ({
        plannedStart: start(from).toISOString(),
        plannedEnd: new Date(start(from).getTime() + hours * HOUR).toISOString(),
      });
      const other = await createEnterprise('110101', { riskClass: 'B', noDisturb: true });
      const quiet = await createEnterprise('211223', { noDisturb: true });
      data.push(other, quiet, other.slice(-6), quiet.slice(-6));
      const cases: [string, Record<string, unknown>][] = [
        ['an item not published', { itemCodes: ['0999'] }],
        ['a start already past', window(-30, 4)],
        ['a window of 20 days', window(48, 20 * 24)],
        ['no on-site justification', { onSiteJustification: undefined }],
        ['a start in 2 hours', window(2, 4)],
        ['the legal representative without a reason', { requiresLegalRepresentative: true }],
        ['an observation visit', { purpose: 'observation' }],
        ['a case without reason or trigger', { type: 'case' }],
        ['a case with a reason too short', { type: 'case', reason: '查', trigger: { kind: 'complaint', reference: '12345-0002' } }],
        [
          'a case with a trigger nobody registered',
          { type: 'case', reason: '群众投诉噪声扰民', trigger: { kind: 'complaint', reference: '12345-0001' } },
        ],
        ['an emergency starting in 3 hours', { type: 'emergency', reason: '燃气泄漏', ...window(3, 4) }],
        ['an emergency of 5 days', { type: 'emergency', reason: '燃气泄漏', ...window(0, 5 * 24) }],
        ['an emergency filed 30 hours late', { type: 'emergency', reason: '燃气泄漏', ...window(-30, 40) }],
        ['a higher campaign nobody registered', { type: 'special', campaign: { level: 'higher', reference: '辽政发〔2026〕9号' } }],
        ['an enterprise outside the jurisdiction', { enterpriseUscc: other }],
        ['an enterprise on the no-disturb list', { enterpriseUscc: quiet }],
        ['a random inspection of an unknown assignment', { type: 'random', drawAssignmentId: 'no-such-assignment' }],
        ['one inspector only', { inspectorIds: [w.inspectorIds[0]] }],
      ];
      const rulesSeen = new Set<string>();
      for (const [name, over] of cases) {
        const res = await h.api().post('/api/v1/filings/check').set(auth(w.agencyKey)).set(zh).send(body(over));
        expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.be.within(200, 499);
        check(`check ${name}`, res, [other, quiet, other.slice(-6), quiet.slice(-6), 'no-such-assignment']);
        for (const f of (res.body as { decision?: { findings: Finding[] } }).decision?.findings ?? []) {
          rulesSeen.add(f.ruleId);
          expect(f.title, `${f.ruleId} has a name`)
            .to.have.property('zh-CN')
            .that.matches(/[\u3400-\u9fff]/);
        }
      }
      // the annual cap (class A: once a year), a filing blocked for it, and the attempt it records
      const capA = await createEnterprise('211223', { riskClass: 'A' });
      data.push(capA, capA.slice(-6));
      const first = await h
        .api()
        .post('/api/v1/filings')
        .set(auth(w.agencyKey))
        .set(zh)
        .send(body({ enterpriseUscc: capA }));
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      check('the first filing', first);
      const capped = await h
        .api()
        .post('/api/v1/filings')
        .set(auth(w.agencyKey))
        .set(zh)
        .send(body({ enterpriseUscc: capA, ...window(96, 4) }));
      expect(capped.status).to.equal(422);
      check('a filing over the annual cap', capped, [first.body.filing.filingNo]);
      for (const f of capped.body.decision.findings as Finding[]) rulesSeen.add(f.ruleId);
      expect([...rulesSeen]).to.include.members([
        'items.published',
        'filing.window',
        'filing.onsite-justified',
        'filing.lead-time',
        'conduct.N4',
        'conduct.N6',
        'filing.reason-required',
        'frequency.annual-same-agency',
        'enterprise.no-disturb',
        'agency.jurisdiction',
      ]);
    });

    it('refusals after filing: results, cancelling, joint answers and ratings in the wrong state', async () => {
      const h = await harness();
      // a joint visit to a class D enterprise (room under its cap), each agency with its own officer
      const other = await createAgency('211223', ['0101']);
      const joint = await h
        .api()
        .post(`/api/v1/agencies/${other.id}/inspectors`)
        .set(admin)
        .send({ name: '联合执法员', credentialNo: `2112239${randomInt(100000)}`, validUntil: '2099-12-31' });
      const d = await createEnterprise('211223', { riskClass: 'D' });
      const dKey = await createKey({ role: 'enterprise', uscc: d, name: '企业密钥' });
      data.push(d, d.slice(-6), other.id, joint.body.id, await agencyName(other.id));
      const f = await h
        .api()
        .post('/api/v1/filings')
        .set(auth(w.agencyKey))
        .send(
          body({
            enterpriseUscc: d,
            jointAgencyIds: [other.id],
            inspectorIds: [...w.inspectorIds, joint.body.id],
            plannedStart: new Date(h.clock.now().getTime() + 200 * HOUR).toISOString(),
            plannedEnd: new Date(h.clock.now().getTime() + 204 * HOUR).toISOString(),
          }),
        );
      expect(f.status, JSON.stringify(f.body)).to.equal(201);
      const filing = f.body.filing;
      const id = filing.id as string;
      // what was typed into the address: the unknown id, and the unknown endpoint's method and path
      const extra = [id, filing.filingNo, filing.verifyCode, 'no-such-filing', 'no-such', 'GET /api/v1/filing'];
      const ask = async (name: string, req: supertest.Test) => {
        const res = await req.set(zh);
        check(name, res, extra);
        return res;
      };
      const api = () => h.api();
      await ask('no key', api().post('/api/v1/filings').send(body()));
      await ask('a bad key', api().post('/api/v1/filings').set(auth('ifk_not-a-key')).send(body()));
      await ask('an enterprise filing', api().post('/api/v1/filings').set(auth(w.enterpriseKey)).send(body()));
      await ask('an unknown filing', api().get('/api/v1/filings/no-such-filing').set(auth(w.agencyKey)));
      await ask('an unknown endpoint', api().get('/api/v1/filing').set(auth(w.agencyKey)));
      await ask(
        'a result before the start',
        api()
          .post(`/api/v1/filings/${id}/result`)
          .set(auth(w.agencyKey))
          .send({ conductedAt: new Date(h.clock.now().getTime() + 201 * HOUR).toISOString(), outcome: 'no_issues', summary: '未发现问题' }),
      );
      await ask(
        'a result of an unknown outcome',
        api()
          .post(`/api/v1/filings/${id}/result`)
          .set(auth(w.agencyKey))
          .send({ conductedAt: h.clock.now().toISOString(), outcome: 'great', summary: '好' }),
      );
      await ask(
        'a result by the joint agency',
        api()
          .post(`/api/v1/filings/${id}/result`)
          .set(auth(other.key))
          .send({ conductedAt: h.clock.now().toISOString(), outcome: 'no_issues', summary: '好' }),
      );
      await ask('a cancel without a reason', api().post(`/api/v1/filings/${id}/cancel`).set(auth(w.agencyKey)).send({}));
      await ask('a decline without a reason', api().post(`/api/v1/filings/${id}/joint/decline`).set(auth(other.key)).send({}));
      await ask('an accept by the lead agency', api().post(`/api/v1/filings/${id}/joint/accept`).set(auth(w.agencyKey)).send({}));
      await ask('a rating before completion', api().post(`/api/v1/filings/${id}/feedback`).set(auth(dKey)).send({ rating: 5 }));
      await ask('a rating of 6', api().post(`/api/v1/filings/${id}/feedback`).set(auth(dKey)).send({ rating: 6 }));
      await ask(
        'a report without the agency',
        api()
          .post('/api/v1/reports')
          .set(auth(w.enterpriseKey))
          .send({ kind: 'conduct', occurredAt: h.clock.now().toISOString(), description: '索要财物' }),
      );
      await ask(
        'a violation status that cannot follow',
        api()
          .patch('/api/v1/violations/no-such')
          .set(auth(await createKey({ role: 'supervisor', regions: ['2112'] })))
          .send({ status: 'reopened', note: '再查' }),
      );
      h.clock.set(new Date(h.clock.now().getTime() + 202 * HOUR));
      try {
        await ask(
          'a cancel after the start',
          api().post(`/api/v1/filings/${id}/cancel`).set(auth(w.agencyKey)).send({ reason: '企业停产' }),
        );
        await ask(
          'a result in the future',
          api()
            .post(`/api/v1/filings/${id}/result`)
            .set(auth(w.agencyKey))
            .send({ conductedAt: new Date(h.clock.now().getTime() + HOUR).toISOString(), outcome: 'no_issues', summary: '未发现问题' }),
        );
        const done = await ask(
          'a result',
          api()
            .post(`/api/v1/filings/${id}/result`)
            .set(auth(w.agencyKey))
            .send({ conductedAt: new Date(h.clock.now().getTime() - HOUR).toISOString(), outcome: 'no_issues', summary: '未发现问题' }),
        );
        expect(done.status, JSON.stringify(done.body)).to.be.within(200, 201);
        await ask(
          'a second result',
          api()
            .post(`/api/v1/filings/${id}/result`)
            .set(auth(w.agencyKey))
            .send({ conductedAt: new Date(h.clock.now().getTime() - HOUR).toISOString(), outcome: 'no_issues', summary: '未发现问题' }),
        );
        await ask('an accept after completion', api().post(`/api/v1/filings/${id}/joint/accept`).set(auth(other.key)).send({}));
        await ask(
          'a cancel after completion',
          api().post(`/api/v1/filings/${id}/cancel`).set(auth(w.agencyKey)).send({ reason: '企业停产' }),
        );
        const rated = await ask('a rating', api().post(`/api/v1/filings/${id}/feedback`).set(auth(dKey)).send({ rating: 4 }));
        expect(rated.status, JSON.stringify(rated.body)).to.be.within(200, 201);
        await ask('a second rating', api().post(`/api/v1/filings/${id}/feedback`).set(auth(dKey)).send({ rating: 4 }));
      } finally {
        h.clock.reset();
      }
      expect([...seen]).to.include.members([400, 401, 403, 404, 409, 422]);
    });

    it('found no leak in any of them', () => {
      expect(found, found.join('\n')).to.deep.equal([]);
    });
  });

  describe('the catalogues', () => {
    it('no Chinese message template, detail text or field label names a field, rule or value in Latin letters', () => {
      const bad: string[] = [];
      for (const [name, table] of Object.entries({ messages, detailTexts, fieldLabels }))
        for (const [k, v] of Object.entries(table as Record<string, Localized>))
          for (const l of leaks(v['zh-CN'].replace(/\{\w+\}/g, ' '), [])) bad.push(`${name}.${k}: ${l}`);
      expect(bad).to.deep.equal([]);
    });

    it('every field of every request body and query has a label', () => {
      const names = new Set<string>();
      const walk = (s: unknown): void => {
        if (!s || typeof s !== 'object') return;
        const o = s as Record<string, unknown>;
        if (o.properties && typeof o.properties === 'object')
          for (const [k, v] of Object.entries(o.properties)) {
            names.add(k);
            walk(v);
          }
        for (const key of ['items', 'anyOf', 'oneOf', 'allOf']) {
          const v = o[key];
          if (Array.isArray(v)) v.forEach(walk);
          else walk(v);
        }
      };
      for (const r of apiRoutes) {
        walk(r.body);
        walk(r.query);
      }
      expect([...names].filter((n) => !(n in fieldLabels))).to.deep.equal([]);
    });
  });

  describe('the pages, in Chinese', () => {
    /** Each page by who looks at it; add a page here and it is checked the same way. */
    interface PageCase {
      path: string | ((ids: Ids) => string);
      as: 'anyone' | 'agency' | 'enterprise' | 'supervisor' | 'admin';
    }
    interface Ids {
      filingId: string;
      verifyCode: string;
      violationId: string;
      groundId: string;
    }
    const PAGES: PageCase[] = [
      { path: '/', as: 'anyone' },
      { path: '/login', as: 'anyone' },
      { path: '/activate', as: 'anyone' },
      { path: (i) => `/v/${i.verifyCode}`, as: 'anyone' },
      { path: '/v/NOPE-CODE', as: 'anyone' },
      { path: '/no-such-page', as: 'anyone' },
      { path: '/filings', as: 'agency' },
      { path: '/filings/new', as: 'agency' },
      { path: (i) => `/filings/${i.filingId}`, as: 'agency' },
      { path: (i) => `/filings/${i.filingId}/notice`, as: 'agency' },
      { path: '/filings', as: 'enterprise' },
      { path: (i) => `/filings/${i.filingId}`, as: 'enterprise' },
      { path: (i) => `/v/${i.verifyCode}`, as: 'enterprise' },
      { path: '/report', as: 'enterprise' },
      { path: '/reports', as: 'enterprise' },
      { path: '/account', as: 'enterprise' },
      { path: '/dashboard', as: 'supervisor' },
      { path: '/dashboard/violations', as: 'supervisor' },
      { path: (i) => `/dashboard/violations/${i.violationId}`, as: 'supervisor' },
      { path: '/dashboard/attempts', as: 'supervisor' },
      { path: '/dashboard/grounds', as: 'supervisor' },
      { path: (i) => `/dashboard/grounds/${i.groundId}`, as: 'supervisor' },
      { path: '/dashboard/draw-plans', as: 'supervisor' },
      { path: '/dashboard/digests', as: 'supervisor' },
      { path: '/dashboard', as: 'admin' },
    ];

    it('every page’s visible text, and the filing form refused, has no identifier in it', async () => {
      const h = await harness();
      const filed = await h
        .api()
        .post('/api/v1/filings')
        .set(auth(w.agencyKey))
        .send(
          body({
            plannedStart: new Date(h.clock.now().getTime() + 300 * HOUR).toISOString(),
            plannedEnd: new Date(h.clock.now().getTime() + 304 * HOUR).toISOString(),
            enterpriseUscc: await createEnterprise('211223', { riskClass: 'D' }),
          }),
        );
      const filing = filed.status === 201 ? filed.body.filing : null;
      expect(filing, JSON.stringify(filed.body)).to.not.equal(null);
      const report = await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send({
        kind: 'unfiled_inspection',
        occurredAt: h.clock.now().toISOString(),
        agencyId: w.agencyId,
        description: '未出示检查告知书即入企检查',
      });
      const supervisorKey = await createKey({ role: 'supervisor', regions: ['2112'], name: '监督机构密钥' });
      const ground = await h
        .api()
        .post('/api/v1/grounds')
        .set(auth(supervisorKey))
        .send({ kind: 'complaint', reference: `12345-${randomInt(100000)}`, enterpriseUscc: w.uscc });
      const ids: Ids = {
        filingId: filing.id,
        verifyCode: filing.verifyCode,
        violationId: report.body.violationId ?? 'none',
        groundId: ground.body.id ?? 'none',
      };
      const pageData = [
        ...data,
        ...(await storedData()),
        filing.id,
        filing.verifyCode,
        filing.enterpriseUscc,
        String(filing.enterpriseUscc).slice(-6),
        filing.filingNo,
        ids.violationId,
        ids.groundId,
        ground.body.reference,
        'NOPE-CODE',
        'no-such-page',
      ];
      const keys: Record<PageCase['as'], string | null> = {
        anyone: null,
        agency: w.agencyKey,
        enterprise: w.enterpriseKey,
        supervisor: supervisorKey,
        admin: null,
      };
      const clients = new Map<string, PageClient>();
      const clientFor = async (as: PageCase['as']) => {
        let c = clients.get(as);
        if (!c) {
          c = as === 'anyone' ? await pageClient() : await signedIn(keys[as] ?? (await adminKey()));
          await c.get('/?lang=zh-CN');
          clients.set(as, c);
        }
        return c;
      };
      const pageLeaks: string[] = [];
      for (const p of PAGES) {
        const path = typeof p.path === 'string' ? p.path : p.path(ids);
        const c = await clientFor(p.as);
        const res = path.startsWith('/no-such') ? await c.agent.get(path).set('Accept', 'text/html').set(zh) : await c.get(path);
        // a page another part of the work has not built yet
        if (res.status === 404 && !path.startsWith('/no-such') && !path.startsWith('/v/')) continue;
        expect(res.status, `${p.as} ${path}`).to.be.oneOf([200, 404]);
        const shown = visibleText(res.text ?? '');
        for (const l of leaks(shown, pageData)) pageLeaks.push(`${p.as} ${path} → ${l} in “…${around(shown, l)}…”`);
      }
      // the filing form refused: its errors name the fields in Chinese
      const agency = await clientFor('agency');
      await agency.get('/filings/new');
      const refused = await agency.post('/filings/new', { action: 'check', type: 'routine' });
      for (const l of leaks(visibleText(refused.text ?? ''), pageData)) pageLeaks.push(`agency POST /filings/new → ${l}`);
      // and its decision: findings by their Chinese names, the rule ids in tooltips only
      await agency.get('/filings/new');
      const decided = await agency.post(
        '/filings/new',
        filingForm(w, { itemCodes: ['0101', '0999'], purpose: 'observation', requiresLegalRepresentative: 'on', action: 'check' }),
      );
      expect(decided.text).to.include('干扰正常生产经营').and.include('title="conduct.N4');
      for (const l of leaks(visibleText(decided.text ?? ''), pageData)) pageLeaks.push(`agency POST /filings/new (check) → ${l}`);
      expect(pageLeaks, [...new Set(pageLeaks)].join('\n')).to.deep.equal([]);
    });
  });
});

/** An agency's name as the fixtures make it (测试执法局 and a random suffix in Latin letters): data. */
async function agencyName(id: string): Promise<string> {
  const h = await harness();
  return (await h.api().get(`/api/v1/agencies/${id}`).set(admin)).body.name as string;
}

async function adminKey(): Promise<string> {
  return createKey({ role: 'admin', name: '管理员密钥' });
}
