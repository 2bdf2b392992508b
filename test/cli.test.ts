import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { sql } from 'kysely';
import { cli } from './support/cli.js';
import { harness } from './support/harness.js';
import { auth, createAgency } from './support/fixtures.js';
import { tempDir } from './support/temp.js';
import { validateUscc } from '../src/domain/uscc.js';

describe('command line', () => {
  it('keys create prints a working key once and stores only its hash', async () => {
    const h = await harness();
    const agency = await createAgency();
    const r = await cli('keys', 'create', '--role', 'agency', '--agency', agency.id, '--name', '备案员');
    expect(r.code, r.err).to.equal(0);
    const key = /key:\s+(ifk_\S+)/.exec(r.out)?.[1];
    expect(key).to.be.a('string');
    expect((await h.api().get(`/api/v1/agencies/${agency.id}`).set(auth(key!))).status).to.equal(200);
    expect(h.logs.text()).not.to.include(key!);
  });

  it('jobs run: the same guard as the scheduler (a period runs once), and its bad input refused', async () => {
    const h = await harness();
    h.clock.set('2026-06-02T10:00:00+08:00');
    try {
      const first = await cli('jobs', 'run', 'digest', '--date', '2026-06-01');
      expect(first.code, first.err).to.equal(0);
      expect(first.out).to.include('digest 2026-06-01: succeeded');
      const again = await cli('jobs', 'run', 'digest', '--date', '2026-06-01');
      expect(again.out).to.include('digest 2026-06-01: already ran');
      expect((await cli('jobs', 'run', 'digest', '--date', '2026-02-30')).code).to.equal(2);
      const future = await cli('jobs', 'run', 'digest', '--date', '2026-06-02');
      expect(future.code).to.equal(2);
      expect(future.err).to.include('2026-06-02');
      const unknown = await cli('jobs', 'run', 'reindex');
      expect(unknown.code).to.equal(2);
      expect(unknown.err).to.include('digest, sweep, draw');
      const mail = await cli('keys', 'create', '--role', 'supervisor', '--name', '督查', '--regions', '2112', '--email', 'not-an-address');
      expect(mail.code).to.equal(2);
      expect(mail.err).to.include('--email');
    } finally {
      h.clock.reset();
    }
  });

  it('keys create checks its options as the API checks a body', async () => {
    const bad = await cli('keys', 'create', '--role', 'supervisor', '--name', 'x', '--regions', 'abc,2112');
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include('--regions');
    const empty = await cli('keys', 'create', '--role', 'supervisor', '--name', 'x', '--regions', ',,,');
    expect(empty.code).to.equal(2);
    expect(empty.err).to.include('leave it out for every region');
    const noName = await cli('keys', 'create', '--role', 'admin', '--name', '');
    expect(noName.code).to.equal(2);
    expect(noName.err).to.include('--name');
    // the API's words, an example of the expected form included
    const when = await cli('keys', 'create', '--role', 'admin', '--name', 'x', '--expires', 'tomorrow');
    expect(when.code).to.equal(2);
    expect(when.err).to.include('--expires').and.include('2026-12-01T09:00:00+08:00');
  });

  it('keys create refuses a role without its scope as a usage error (exit 2), with a message', async () => {
    const r = await cli('keys', 'create', '--role', 'enterprise', '--name', 'x');
    expect(r.code).to.equal(2);
    expect(r.err).to.include('uscc');
    expect((await cli('keys', 'create', '--role', 'root', '--name', 'x')).code).to.equal(2);
  });

  it('audit verify reports an intact trail, and exit 1 naming the link after tampering', async () => {
    const h = await harness();
    const ok = await cli('audit', 'verify');
    expect(ok.code, ok.err).to.equal(0);
    expect(ok.out).to.match(/^audit trail intact: \d+ events in \d+ chains, \d+ signed daily roots$/);
    const db = h.runtime.store.db;
    const victim = await db
      .selectFrom('audit_events')
      .select(['id', 'chain', 'seq', 'actor'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
    try {
      await sql`update audit_events set actor = 'someone-else' where id = ${victim.id}`.execute(db);
      const broken = await cli('audit', 'verify');
      expect(broken.code).to.equal(1);
      expect(broken.err).to.include(`chain "${victim.chain}", sequence ${victim.seq}`);
      await sql`update audit_events set actor = ${victim.actor} where id = ${victim.id}`.execute(db);
    } finally {
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
    }
    expect((await cli('audit', 'verify')).code).to.equal(0);
  });

  it('rules check validates a folder and names file and pointer of a problem', async () => {
    const good = await cli('rules', 'check', 'rules');
    expect(good.code).to.equal(0);
    expect(good.out).to.match(/ok {2}national-baseline@\d+\.\d+\.\d+ /);
    const dir = await tempDir('rules');
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ id: 'x', version: '1', rules: [] }));
    const bad = await cli('rules', 'check', dir);
    expect(bad.code).to.equal(1);
    expect(bad.err).to.include(`${join(dir, 'bad.json')}#/version`);
    // a folder without rule sets (the wrong folder) is not "all fine"
    const empty = await cli('rules', 'check', await tempDir('rules'));
    expect(empty.code).to.equal(1);
    expect(empty.err).to.include('no rule set');
  });

  it('demo seed loads agencies, inspectors and enterprises with valid codes, and a second run adds nothing', async () => {
    const h = await harness();
    const first = await cli('demo', 'seed', '--enterprises', '40');
    expect(first.code, first.err).to.equal(0);
    expect(first.out).to.include('西丰县市场监督管理局');
    expect(first.out).to.match(/enterprises: 40 created/);
    const agencyKey = /XF-SCJG\s+\S+\s+key (ifk_\S+)/.exec(first.out)?.[1];
    const list = await h.api().get('/api/v1/agencies?limit=500').set(auth(agencyKey!));
    const scjg = list.body.items.find((a: { code: string }) => a.code === 'XF-SCJG');
    expect(scjg.items.length).to.be.at.least(3);
    const detail = await h.api().get(`/api/v1/agencies/${scjg.id}`).set(auth(agencyKey!));
    expect(detail.body.inspectors.length).to.be.at.least(4);
    // codes by what the registrant is: 91 a company, 92 a shop (个体工商户), 93 a cooperative (合作社)
    const seeded = await h.runtime.store.db
      .selectFrom('enterprises')
      .select(['uscc', 'name'])
      .where('region', '=', '211223')
      .where('name', 'like', '西丰县%')
      .execute();
    expect(seeded.length).to.be.at.least(40);
    const prefixes = new Set<string>();
    for (const e of seeded) {
      expect(validateUscc(e.uscc), e.uscc).to.equal(e.uscc);
      expect(e.uscc.slice(2, 8), e.uscc).to.equal('211223');
      const prefix = e.uscc.slice(0, 2);
      prefixes.add(prefix);
      if (prefix === '92') expect(e.name, e.uscc).to.match(/^西丰县.+[镇乡][\u4e00-\u9fff][记氏].+(?:馆|店|部|坊)$/);
      else if (prefix === '93') expect(e.name, e.uscc).to.match(/^西丰县.+(?:种植|养殖)专业合作社$/);
      else {
        expect(prefix, e.uscc).to.equal('91');
        expect(e.name, e.uscc).to.match(/公司$/);
      }
    }
    expect([...prefixes].sort()).to.deep.equal(['91', '92', '93']);
    expect(new Set(seeded.map((e) => e.name)).size, 'one registrant per name').to.equal(seeded.length);
    const second = await cli('demo', 'seed', '--enterprises', '40');
    expect(second.out).to.include('(existed)');
    expect(second.out, second.out).to.match(/enterprises: 0 created, \d+ in 211223/);
  });
});
