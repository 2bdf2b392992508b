import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeUscc } from '../../src/domain/uscc.js';
import { cli } from '../support/cli.js';
import { harness } from '../support/harness.js';
import { admin, randomUscc, unique } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

async function csv(name: string, content: string | Buffer): Promise<string> {
  const path = join(await tempDir('import'), name);
  await writeFile(path, content);
  return path;
}

/** The newest event of the registry's audit chain: what an import recorded. */
const lastRegistryEvent = async () =>
  (await harness()).runtime.store.db
    .selectFrom('audit_events')
    .select(['action', 'payload'])
    .where('chain', '=', 'registry')
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();

const registered = async (uscc: string) => (await (await harness()).api().get(`/api/v1/enterprises/${uscc}`).set(admin)).status === 200;

describe('import enterprises FILE.csv', () => {
  it('imports every good line, and reports each refused one with its reason (the check character it should have)', async () => {
    const [a, b] = [randomUscc('211223'), randomUscc('211223')];
    const bad = `${a.slice(0, 17)}${a[17] === 'X' ? 'Y' : 'X'}`;
    const file = await csv(
      'mixed.csv',
      [
        'uscc,name,region,riskClass,noDisturb',
        `${a},西丰县导入一,211223,B,false`,
        `${a},重复一行,211223,,`,
        `${bad},校验位错,211223,,`,
        `${randomUscc('211223')},未知区划,991223,,`,
        `${b},"名称,带逗号",211223,D,是`,
      ].join('\n'),
    );
    const res = await cli('import', 'enterprises', file);
    expect(res.code).to.equal(1);
    expect(res.out).to.include(`line 3: ${a} repeats line 2`).and.include('line 4:').and.include('line 5: unknown region "991223"');
    expect(res.out).to.match(/should be "[0-9A-Z]"/);
    expect(res.out, res.out).to.include('5 lines: 2 imported, 3 refused');
    expect(await registered(a)).to.equal(true);
    expect(await registered(b)).to.equal(true);
    const h = await harness();
    const e = (await h.api().get(`/api/v1/enterprises/${b}`).set(admin)).body;
    expect(e).to.include({ name: '名称,带逗号', riskClass: 'D', noDisturb: true });
    const event = await lastRegistryEvent();
    expect(event.action).to.equal('enterprises.imported');
    expect(event.payload).to.include({ lines: 5, imported: 2, refused: 3 });
  });

  it('takes the Chinese column names too', async () => {
    const u = randomUscc('211223');
    const res = await cli(
      'import',
      'enterprises',
      await csv('zh.csv', `\uFEFF统一社会信用代码,企业名称,区划代码,风险等级\n${u},中文表头企业,211223,C\n`),
    );
    expect(res.code, res.out + res.err).to.equal(0);
    expect(await registered(u)).to.equal(true);
  });

  it('a wrong header, a GBK file or an empty one stops it with a message naming the line, and imports nothing', async () => {
    const [u, v] = [randomUscc('211223'), randomUscc('211223')];
    const header = await cli('import', 'enterprises', await csv('header.csv', `code,name,region\n${u},表头错误,211223\n`));
    expect(header.code).to.equal(2);
    expect(header.err).to.include('line 1: unknown column "code"').and.include('nothing was imported');
    // two good lines, then a line written in GBK: the good ones are not imported either
    const gbk = Buffer.concat([
      Buffer.from(`uscc,name,region\n${u},好的一行,211223\n${v},好的二行,211223\n${makeUscc('91', '211223', '00000000A')},`),
      Buffer.from([0xce, 0xf7, 0xb7, 0xe1]),
      Buffer.from(',211223\n'),
    ]);
    const enc = await cli('import', 'enterprises', await csv('gbk.csv', gbk));
    expect(enc.code).to.equal(2);
    expect(enc.err).to.include('line 4 is not UTF-8');
    expect(await registered(u)).to.equal(false);
    expect(await registered(v)).to.equal(false);
    const empty = await cli('import', 'enterprises', await csv('empty.csv', ''));
    expect(empty.code).to.equal(2);
    expect(empty.err).to.include('the file is empty');
    expect((await cli('import', 'enterprises', '/nonexistent/file.csv')).code).to.equal(2);
  });

  it('refuses a line as POST /enterprises would (an invisible name, a region that is no division), and non-UTF-8 bytes', async () => {
    const [u, v, w] = [randomUscc('211223'), randomUscc('211223'), randomUscc('211223')];
    const res = await cli(
      'import',
      'enterprises',
      await csv('blank.csv', `uscc,name,region\n${u},\u200b\u200b,211223\n${v},正常企业,000000\n${w},正常企业二,211223\n`),
    );
    expect(res.out)
      .to.include('line 2: the name must contain a visible letter or digit')
      .and.include('line 3: unknown region "000000"')
      .and.include('3 lines: 1 imported, 2 refused');
    expect(
      (
        await (
          await harness()
        )
          .api()
          .post('/api/v1/enterprises')
          .set(admin)
          .send({ uscc: randomUscc('211223'), name: '正常企业', region: '000000' })
      ).status,
    ).to.equal(400);
    // a surrogate (ED A0 80) and an overlong form (E0 80 80) are not UTF-8, whatever a lenient decoder makes of them
    for (const bytes of [
      [0xed, 0xa0, 0x80],
      [0xe0, 0x80, 0x80],
    ]) {
      const x = randomUscc('211223');
      const bad = await cli(
        'import',
        'enterprises',
        await csv('bad-utf8.csv', Buffer.concat([Buffer.from(`uscc,name,region\n${x},`), Buffer.from(bytes), Buffer.from(',211223\n')])),
      );
      expect(bad.code).to.equal(2);
      expect(bad.err).to.include('line 2 is not UTF-8');
      expect(await registered(x)).to.equal(false);
    }
  });

  it('speaks Chinese when LANG is Chinese, the lines of its report included', async () => {
    const u = randomUscc('211223');
    const lang = process.env.LANG;
    process.env.LANG = 'zh_CN.UTF-8';
    try {
      const res = await cli('import', 'enterprises', await csv('zh-report.csv', `uscc,name,region\n${u},西丰县中文报告,991223\n`));
      expect(res.out).to.include('第 2 行：未知的区划代码“991223”').and.include('共 1 行：导入 0 行，拒绝 1 行');
      const header = await cli('import', 'enterprises', await csv('zh-header.csv', `code,name\n`));
      expect(header.err).to.include('第 1 行：未知的列“code”').and.include('未导入任何内容');
    } finally {
      if (lang === undefined) delete process.env.LANG;
      else process.env.LANG = lang;
    }
  });
});

describe('import inspectors FILE.csv', () => {
  it('loads the credential register line by line, refusing what the API refuses, never printing a number in full', async () => {
    const h = await harness();
    const code = unique('AGI');
    const agency = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send({ code, name: '西丰县市场监督管理局', region: '211223', items: [{ code: 'SAFE-01', name: '安全', basis: '依据' }] });
    expect(agency.status).to.equal(201);
    const [c1, c2, c3, c4] = ['a', 'b', 'c', 'd'].map(() => unique('LN211223').toUpperCase()) as [string, string, string, string];
    const res = await cli(
      'import',
      'inspectors',
      await csv(
        'inspectors.csv',
        [
          'agency,name,credentialNo,validUntil',
          `${code},张三,${c1},2030-12-31`,
          `${code},张三重复,${c1.toLowerCase()},2030-12-31`,
          `NO-SUCH-AGENCY,李四,${c2},2030-12-31`,
          `${code},王五,${c3},2030-02-30`,
          `${code},赵六,${c4},2031-06-30`,
        ].join('\n'),
      ),
    );
    expect(res.code, res.out + res.err).to.equal(1);
    expect(res.out).to.match(/line 3: [A-Z0-9]{3}\*+[A-Z0-9]{3} repeats line 2/);
    expect(res.out).to.include('line 4: no agency is registered with code "NO-SUCH-AGENCY"');
    expect(res.out).to.include('line 5: valid until "2030-02-30" is not valid');
    expect(res.out, res.out).to.include('5 lines: 2 imported, 3 refused');
    for (const c of [c1, c2, c3, c4]) expect(res.out + res.err).not.to.include(c);
    const listed = (await h.api().get(`/api/v1/agencies/${agency.body.id}`).set(admin)).body.inspectors as { name: string }[];
    expect(listed.map((i) => i.name).sort()).to.deep.equal(['张三', '赵六']);
    // a second run registers nothing twice, and an agency's key cannot do through the API what the file did
    const again = await cli(
      'import',
      'inspectors',
      await csv('again.csv', `执法主体编码,姓名,执法证号,有效期至\n${code},张三,${c1},2030-12-31\n`),
    );
    expect(again.code).to.equal(1);
    expect(again.out).to.include('is already registered');
    const event = await lastRegistryEvent();
    expect(event.action).to.equal('inspectors.imported');
    expect(event.payload).to.include({ lines: 5, imported: 2, refused: 3 });
  });
});
