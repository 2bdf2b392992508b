import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeUscc } from '../../src/domain/uscc.js';
import { cli } from '../support/cli.js';
import { harness } from '../support/harness.js';
import { admin, randomUscc } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

async function csv(name: string, content: string | Buffer): Promise<string> {
  const path = join(await tempDir('import'), name);
  await writeFile(path, content);
  return path;
}

const registered = async (uscc: string) => (await (await harness()).api().get(`/api/v1/enterprises/${uscc}`).set(admin)).status === 200;

describe('import enterprises FILE.csv', () => {
  it('imports every good line, and reports each refused one with its reason (the check character it should have)', async () => {
    const [a, b] = [randomUscc('211223'), randomUscc('211223')];
    const bad = `${a.slice(0, 17)}${a[17] === 'X' ? 'Y' : 'X'}`;
    const file = await csv(
      'mixed.csv',
      ['uscc,name,region,riskClass,noDisturb', `${a},西丰县导入一,211223,B,false`, `${a},重复一行,211223,,`, `${bad},校验位错,211223,,`, `${randomUscc('211223')},未知区划,991223,,`, `${b},"名称,带逗号",211223,D,是`].join('\n'),
    );
    const res = await cli('import', 'enterprises', file);
    expect(res.code).to.equal(1);
    expect(res.out).to.include(`line 3: ${a} repeats line 2`).and.include('line 4:').and.include('line 5: unknown region "991223"');
    expect(res.out).to.match(/should be "[0-9A-Z]"/);
    expect(res.out).to.include('5 lines: 2 imported, 3 refused');
    expect(await registered(a)).to.equal(true);
    expect(await registered(b)).to.equal(true);
    const h = await harness();
    const e = (await h.api().get(`/api/v1/enterprises/${b}`).set(admin)).body;
    expect(e).to.include({ name: '名称,带逗号', riskClass: 'D', noDisturb: true });
    const event = await h.runtime.store.db.selectFrom('audit_events').select(['action', 'payload']).where('chain', '=', 'registry').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(event.action).to.equal('enterprises.imported');
    expect(event.payload).to.include({ lines: 5, imported: 2, refused: 3 });
  });

  it('takes the Chinese column names too', async () => {
    const u = randomUscc('211223');
    const res = await cli('import', 'enterprises', await csv('zh.csv', `\uFEFF统一社会信用代码,企业名称,区划代码,风险等级\n${u},中文表头企业,211223,C\n`));
    expect(res.code, res.out + res.err).to.equal(0);
    expect(await registered(u)).to.equal(true);
  });

  it('a wrong header, a GBK file or an empty one stops it with a message naming the line, and imports nothing', async () => {
    const [u, v] = [randomUscc('211223'), randomUscc('211223')];
    const header = await cli('import', 'enterprises', await csv('header.csv', `code,name,region\n${u},表头错误,211223\n`));
    expect(header.code).to.equal(2);
    expect(header.err).to.include('line 1: unknown column "code"').and.include('nothing was imported');
    // two good lines, then a line written in GBK: the good ones are not imported either
    const gbk = Buffer.concat([Buffer.from(`uscc,name,region\n${u},好的一行,211223\n${v},好的二行,211223\n${makeUscc('91', '211223', '00000000A')},`), Buffer.from([0xce, 0xf7, 0xb7, 0xe1]), Buffer.from(',211223\n')]);
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
});
