import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import supertest from 'supertest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { DigestView } from '../../src/domain/schemas.js';
import { createApp } from '../../src/http/app.js';
import { digestMarkdown } from '../../src/notify/robot-markdown.js';
import { dingtalkSign, robotBody, WECOM_MAX_BYTES } from '../../src/notify/robot-send.js';
import { createServices } from '../../src/services/index.js';
import { harness } from '../support/harness.js';
import { admin, auth, createKey, file, world } from '../support/fixtures.js';

// The county's group robots (DingTalk, WeCom) as a local receiver that answers like them: HTTP 200
// and an errcode, 0 when the message was taken.

const DING_TOKEN = 'dingtoken0123456789abcdefghijklmnop';
const DING_SECRET = 'SECdingsecret0123456789abcdefghijklmnopqrstuvw';
const WECOM_KEY = 'wecomkey-0123-4567-89ab-cdefghijklmn';

interface Received {
  path: string;
  query: URLSearchParams;
  body: { msgtype: string; markdown: { title?: string; text?: string; content?: string } };
  raw: string;
}

async function robotSink(answers: { errcode: number; errmsg: string }[]) {
  const received: Received[] = [];
  let calls = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answer = answers[Math.min(calls, answers.length - 1)] ?? { errcode: 0, errmsg: 'ok' };
      calls++;
      const u = new URL(req.url ?? '/', 'http://robot');
      received.push({ path: u.pathname, query: u.searchParams, body: JSON.parse(raw), raw });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, received, calls: () => calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The harness's database and clock, with digests and urgent notices going to these robots. */
async function appWithRobots(robots: { dingtalk?: string; dingtalkSecret?: string; wecom?: string }) {
  const h = await harness();
  const services = createServices({
    ...h.runtime.services.ctx,
    outbound: {
      smtpUrl: null,
      digestFrom: null,
      webhookUrl: null,
      webhookSecret: null,
      webhookRetryBaseMs: 5,
      dingtalkWebhook: robots.dingtalk ?? null,
      dingtalkSecret: robots.dingtalkSecret ?? null,
      wecomWebhook: robots.wecom ?? null,
    },
  });
  const app = createApp({ services, log: h.log, bodyLimit: 65536, verifyRateLimit: 1000, version: 'test' });
  return { api: () => supertest(app), services };
}

function expectNoSecretsLogged(text: string): void {
  for (const s of [DING_TOKEN, DING_SECRET, WECOM_KEY]) expect(text).not.to.include(s);
}

describe('group robots (DingTalk, WeCom)', () => {
  it('the daily digest goes to a signed DingTalk robot and a WeCom robot as Chinese markdown, once', async () => {
    const h = await harness();
    const ding = await robotSink([{ errcode: 0, errmsg: 'ok' }]);
    const wecom = await robotSink([{ errcode: 0, errmsg: 'ok' }]);
    try {
      const { api } = await appWithRobots({
        dingtalk: `${ding.base}/robot/send?access_token=${DING_TOKEN}`,
        dingtalkSecret: DING_SECRET,
        wecom: `${wecom.base}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
      });
      h.clock.set('2027-03-16T10:00:00+08:00');
      const w = await world('211223');
      expect((await file(w)).status).to.equal(201);
      const report = await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send({
        kind: 'unfiled_inspection',
        occurredAt: '2027-03-16T09:00:00+08:00',
        agencyId: w.agencyId,
        description: '未出示检查告知书即入企检查',
      });
      expect(report.status, JSON.stringify(report.body)).to.equal(201);
      const agency = (await h.api().get(`/api/v1/agencies/${w.agencyId}`).set(admin)).body as { name: string };

      const at = '2027-03-17T02:00:00+08:00';
      h.clock.set(at);
      const run = await api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2027-03-16' });
      expect(run.status, JSON.stringify(run.body)).to.equal(200);
      expect(run.body.summary).to.include({ robots: 2, sent: 2, failed: 0 });

      // DingTalk: signed with the service's clock; the test recomputes the signature from what it received
      expect(ding.received).to.have.length(1);
      const d = ding.received[0]!;
      expect(d.path).to.equal('/robot/send');
      expect(d.query.get('access_token')).to.equal(DING_TOKEN);
      const ts = Number(d.query.get('timestamp'));
      expect(ts).to.equal(Date.parse(at));
      expect(d.query.get('sign')).to.equal(dingtalkSign(ts, DING_SECRET));
      expect(d.body.msgtype).to.equal('markdown');
      expect(d.body.markdown.title).to.equal('涉企检查每日摘要 2027-03-16');
      const text = d.body.markdown.text!;
      expect(text).to.include('### 涉企检查每日摘要 2027-03-16');
      expect(text).to.include(agency.name);
      expect(text).to.include('未备案入企检查');
      expect(text).to.match(/新增问题：\*\*\d+\*\* 件/);
      expect(text).to.match(/> 审计根 #\d+（2027-03-16）：/);
      expect(text).to.include('[查看完整摘要](http://verify.test/dashboard/digests/2027-03-16)');
      // Chinese only: no JSON field or enum names
      for (const word of ['newTotal', 'unfiled_inspection', 'agencyName', 'blocked', 'scorecard']) expect(text).not.to.include(word);

      // WeCom: its own body shape, within its 4096 bytes
      expect(wecom.received).to.have.length(1);
      const c = wecom.received[0]!;
      expect(c.query.get('key')).to.equal(WECOM_KEY);
      expect(c.body.msgtype).to.equal('markdown');
      expect(Buffer.byteLength(c.body.markdown.content!, 'utf8')).to.be.at.most(WECOM_MAX_BYTES);
      expect(c.body.markdown.content).to.include(agency.name);

      const rows = await h.runtime.store.db
        .selectFrom('digest_deliveries')
        .select(['recipient', 'status'])
        .where('day', '=', '2027-03-16')
        .where('channel', '=', 'webhook')
        .orderBy('recipient')
        .execute();
      expect(rows).to.deep.equal([
        { recipient: 'DINGTALK_WEBHOOK', status: 'sent' },
        { recipient: 'WECOM_WEBHOOK', status: 'sent' },
      ]);

      // a repeated run sends nothing twice
      const again = await api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2027-03-16' });
      expect(again.body.alreadyRan).to.equal(true);
      expect(ding.calls() + wecom.calls()).to.equal(2);
      expectNoSecretsLogged(h.logs.text());
    } finally {
      await ding.close();
      await wecom.close();
    }
  });

  it('a robot answering errcode ≠ 0 is retried and recorded as failed with its errcode; its token and secret never logged', async () => {
    const h = await harness();
    const ding = await robotSink([{ errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com]' }]);
    try {
      const { api, services } = await appWithRobots({
        dingtalk: `${ding.base}/robot/send?access_token=${DING_TOKEN}`,
        dingtalkSecret: DING_SECRET,
      });
      h.clock.set('2027-03-19T02:30:00+08:00');
      const run = await api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2027-03-18' });
      expect(run.body.summary).to.include({ robots: 1, sent: 0, failed: 1 });
      expect(ding.calls()).to.equal(4);
      const row = await h.runtime.store.db
        .selectFrom('digest_deliveries')
        .selectAll()
        .where('day', '=', '2027-03-18')
        .where('recipient', '=', 'DINGTALK_WEBHOOK')
        .executeTakeFirstOrThrow();
      expect(row).to.include({ status: 'failed', attempts: 1 });
      expect(row.last_error).to.include('errcode 310000').and.include('sign not match');
      expect(row.last_error).not.to.include(DING_TOKEN);
      const logs = h.logs.text();
      expect(logs).to.include('digest delivery failed').and.include('errcode 310000');
      expectNoSecretsLogged(logs);

      // what the hourly sweep does after its run: the week's undelivered tried again, as the webhook's are
      const retried = await services.delivery.retryRecent(7);
      expect(retried.failed).to.be.at.least(1);
      expect(ding.calls()).to.equal(8);
      const after = await h.runtime.store.db
        .selectFrom('digest_deliveries')
        .select('attempts')
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      expect(after.attempts).to.equal(2);
    } finally {
      await ding.close();
    }
  });

  it("an urgent violation (an enterprise's report of an unfiled inspection) reaches both robots once, its text made harmless", async () => {
    const h = await harness();
    const ding = await robotSink([{ errcode: 0, errmsg: 'ok' }]);
    const wecom = await robotSink([{ errcode: 0, errmsg: 'ok' }]);
    try {
      const { services } = await appWithRobots({
        dingtalk: `${ding.base}/robot/send?access_token=${DING_TOKEN}`,
        wecom: `${wecom.base}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
      });
      h.clock.set('2027-03-22T10:00:00+08:00');
      const w = await world('211223');
      const report = await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send({
        kind: 'unfiled_inspection',
        occurredAt: '2027-03-22T09:30:00+08:00',
        agencyId: w.agencyId,
        description: '三人进门检查 [点此领奖](http://evil.example) ### 标题',
      });
      expect(report.status, JSON.stringify(report.body)).to.equal(201);
      const id = report.body.violationId as string;
      h.clock.set('2027-03-22T10:01:00+08:00');
      const first = await services.delivery.notifyUrgent();
      expect(first.failed).to.equal(0);
      const mine = (r: Received[]) => r.filter((x) => (x.body.markdown.text ?? x.body.markdown.content ?? '').includes(id));
      expect(mine(ding.received)).to.have.length(1);
      expect(mine(wecom.received)).to.have.length(1);
      // unsigned: DINGTALK_SECRET is not set
      expect(mine(ding.received)[0]!.query.has('sign')).to.equal(false);
      const text = mine(ding.received)[0]!.body.markdown.text!;
      expect(mine(ding.received)[0]!.body.markdown.title).to.equal('【紧急】未备案入企检查');
      expect(text).to.include('【紧急】未备案入企检查').and.include(w.uscc).and.include('企业反映').and.include('2027-03-22 09:30');
      expect(text).to.include('\\[点此领奖\\]\\(http://evil.example\\)').and.include('\\#\\#\\# 标题');
      expect(text).to.include(`[查看并处理](http://verify.test/dashboard/violations/${id})`);
      expect(text).not.to.include('unfiled_inspection');
      // sent once: the next check finds it sent
      await services.delivery.notifyUrgent();
      expect(mine(ding.received)).to.have.length(1);
      expect(mine(wecom.received)).to.have.length(1);
      expectNoSecretsLogged(h.logs.text());
    } finally {
      await ding.close();
      await wecom.close();
    }
  });

  it("a supervisor's violation naming a registered agency by its id shows the agency's name; direction marks are taken out", async () => {
    const h = await harness();
    const ding = await robotSink([{ errcode: 0, errmsg: 'ok' }]);
    try {
      const { services } = await appWithRobots({ dingtalk: `${ding.base}/robot/send?access_token=${DING_TOKEN}` });
      h.clock.set('2027-03-23T10:00:00+08:00');
      const w = await world('211224');
      const sup = await createKey({ role: 'supervisor', regions: ['2112'] });
      const agency = (await h.api().get(`/api/v1/agencies/${w.agencyId}`).set(admin)).body as { name: string };
      const raised = await h
        .api()
        .post('/api/v1/violations')
        .set(auth(sup))
        .send({
          kind: 'conduct',
          agencyId: w.agencyId,
          enterpriseUscc: w.uscc,
          occurredAt: '2027-03-23T09:00:00+08:00',
          // a right-to-left override would show 付款 as 款付 and make the rest read backwards
          description: '暗访\u202e发现检查组\u202c接受宴请\u2066隔离\u2069\u200f标记\u200e与\u200b零宽\ufeff字符\u061c',
          evidence: ['暗访记录表'],
          conductRuleIds: ['conduct.N3'],
        });
      expect(raised.status, JSON.stringify(raised.body)).to.equal(201);
      const id = raised.body.id as string;
      h.clock.set('2027-03-23T10:01:00+08:00');
      await services.delivery.notifyUrgent();
      const text = ding.received.map((x) => x.body.markdown.text ?? '').find((t) => t.includes(id)) ?? '';
      expect(text).to.include(agency.name).and.not.include('未登记的执法主体');
      expect(text).to.include('暗访发现检查组接受宴请隔离标记与零宽字符');
      expect(text).not.to.match(/[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]/);
    } finally {
      await ding.close();
    }
  });

  it('WeCom markdown is cut to 4096 bytes at a line, with a link to the whole digest', () => {
    const entry = (i: number) => ({
      rank: i + 1,
      agencyId: `agc_${i}`,
      agencyName: `西丰县第${i + 1}执法大队（综合行政执法）`,
      filings: 3,
      cancelled: 0,
      blockedAttempts: 0,
      warnings: 0,
      violations: { total: 1, counted: 1, byKind: {}, byStatus: {} },
      averageRating: 4.5,
      ratings: 2,
      onSiteShare: 0.5,
      visitsPerEnterprise: 1,
      vetoed: null,
    });
    const digest = {
      date: '2027-03-16',
      timeZone: 'Asia/Shanghai',
      regions: [],
      generatedAt: '2027-03-16T18:00:00.000Z',
      violations: { newTotal: 0, newByKind: {}, newByAgency: [], openByAge: {} },
      attempts: { blocked: 0, warned: 0, blockedByRule: [] },
      mostInspected: [],
      draws: [],
      scorecard: Array.from({ length: 60 }, (_, i) => entry(i)),
      trend: [],
      // the reports' handling rates, rendered as percentages; a field this renderer does not know is passed over
      reportHandling: {
        total: { received: 12, feedbackRate: 0.75, completionRate: 0.5, satisfactionRate: null, somethingNew: 3 },
        byAgency: [
          { agencyId: 'agc_0', agencyName: '西丰县应急管理局', received: 4, feedbackRate: 1, completionRate: 0.25, satisfactionRate: 0.5 },
        ],
      },
      somethingNew: { rate: 0.9 },
    } as unknown as DigestView;
    const msg = digestMarkdown([digest], 'https://county.example');
    expect(Buffer.byteLength(msg.text, 'utf8')).to.be.above(WECOM_MAX_BYTES);
    expect(msg.text).to.include('#### 企业反映办理情况（近30日）');
    expect(msg.text).to.include('- 合计：收到 12 件，反馈率 75%，办结率 50%，满意率 —');
    expect(msg.text).to.include('- 西丰县应急管理局：收到 4 件，反馈率 100%，办结率 25%，满意率 50%');
    expect(msg.text).not.to.include('somethingNew');
    const body = JSON.parse(robotBody({ name: 'wecom', env: 'WECOM_WEBHOOK', url: 'https://x.example', secret: null }, msg)) as {
      markdown: { content: string };
    };
    const content = body.markdown.content;
    expect(Buffer.byteLength(content, 'utf8')).to.be.at.most(WECOM_MAX_BYTES);
    expect(content.startsWith('### 涉企检查每日摘要 2027-03-16')).to.equal(true);
    expect(content.endsWith('（内容较多，已截断）[查看完整摘要](https://county.example/dashboard/digests/2027-03-16)')).to.equal(true);
    expect(content).not.to.include('\uFFFD');
    // each kept line is whole
    for (const line of content.split('\n').filter((l) => /^\d+\. /.test(l))) expect(line).to.match(/好差评均分 4\.5$/);
    // DingTalk takes the whole of it
    const ding = JSON.parse(robotBody({ name: 'dingtalk', env: 'DINGTALK_WEBHOOK', url: 'https://x.example', secret: null }, msg)) as {
      markdown: { text: string };
    };
    expect(ding.markdown.text).to.equal(msg.text);
  });

  it('a robot address that is not an http(s) URL, or a secret without its robot, stops the start with a clear message', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ DINGTALK_WEBHOOK: 'ftp://oapi.dingtalk.com/robot/send?access_token=abc' })).to.deep.equal([
      'DINGTALK_WEBHOOK must use http: or https:, got "ftp:"',
    ]);
    const notUrl = problems({ WECOM_WEBHOOK: `qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}` });
    expect(notUrl).to.deep.equal(['WECOM_WEBHOOK is not a valid URL']);
    expect(notUrl.join()).not.to.include(WECOM_KEY);
    expect(problems({ DINGTALK_SECRET: DING_SECRET })).to.deep.equal([
      "DINGTALK_SECRET is set but DINGTALK_WEBHOOK (the robot's address) is not",
    ]);
    const ok = loadConfig({
      DINGTALK_WEBHOOK: `https://oapi.dingtalk.com/robot/send?access_token=${DING_TOKEN}`,
      DINGTALK_SECRET: DING_SECRET,
      WECOM_WEBHOOK: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}`,
    });
    expect(ok).to.include({ dingtalkSecret: DING_SECRET });
  });
});
