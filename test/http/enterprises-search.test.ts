import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { admin, auth, createAgency, createEnterprise, createKey, unique } from '../support/fixtures.js';

// GET /api/v1/enterprises?q=: what the filing form's search asks. Each test names its enterprises
// with a tag of its own, so the other tests' enterprises never answer its searches.

interface Item {
  uscc: string;
  name: string;
}
const usccs = (body: { items: Item[] }) => body.items.map((e) => e.uscc).sort();

describe('GET /api/v1/enterprises?q= (the enterprise search)', () => {
  it('matches part of the name in any case, or the start of the credit code, a page at a time', async () => {
    const h = await harness();
    const tag = unique('Ks');
    const a = await createEnterprise('211223', { name: `桓仁${tag}矿业有限公司` });
    const b = await createEnterprise('211223', { name: `宽甸${tag}农机专业合作社` });
    const c = await createEnterprise('211224', { name: `本溪${tag.toLowerCase()}纸业有限公司` });
    const find = (q: string, extra = '') =>
      h
        .api()
        .get(`/api/v1/enterprises?q=${encodeURIComponent(q)}${extra}`)
        .set(admin);

    const byName = await find(tag);
    expect(byName.status).to.equal(200);
    expect(usccs(byName.body)).to.deep.equal([a, b, c].sort());
    // a name with Latin letters is found whatever case the user types
    expect(usccs((await find(tag.toUpperCase())).body)).to.deep.equal([a, b, c].sort());
    expect(usccs((await find(`宽甸${tag}`)).body)).to.deep.equal([b]);
    // the start of a code, typed in lower case; the middle of a code is not a match
    const byCode = await find(a.slice(0, 14).toLowerCase());
    expect(usccs(byCode.body)).to.include(a);
    expect(usccs((await find(a.slice(4, 16))).body)).not.to.include(a);
    // a short page, then the rest
    const first = await find(tag, '&limit=2');
    expect(first.body.items).to.have.length(2);
    const rest = await find(tag, `&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect([...usccs(first.body), ...usccs(rest.body)].sort()).to.deep.equal([a, b, c].sort());
    expect(rest.body.nextCursor).to.equal(null);
  });

  it('shows an agency its jurisdiction and a supervisor its regions; enterprise and hotline keys are refused', async () => {
    const h = await harness();
    const tag = unique('Jr');
    const here = await createEnterprise('211223', { name: `桓仁${tag}矿业有限公司` });
    const next = await createEnterprise('211224', { name: `宽甸${tag}矿业有限公司` });
    const far = await createEnterprise('320581', { name: `常熟${tag}纺织有限公司` });
    const asKey = (key: string) => h.api().get(`/api/v1/enterprises?q=${tag}`).set(auth(key));

    const county = await createAgency('211223');
    const city = await createAgency('211200');
    const elsewhere = await createAgency('110101');
    expect(usccs((await asKey(county.key)).body), 'a county agency: its county').to.deep.equal([here]);
    expect(usccs((await asKey(city.key)).body), 'a city agency: its counties').to.deep.equal([here, next].sort());
    expect(usccs((await asKey(elsewhere.key)).body)).to.deep.equal([]);
    // what is out of its jurisdiction is not found by its code either
    const byCode = await h.api().get(`/api/v1/enterprises?q=${far}`).set(auth(county.key));
    expect(byCode.body.items).to.deep.equal([]);

    const supervisor = await createKey({ role: 'supervisor', regions: ['211224', '3205'] });
    expect(usccs((await asKey(supervisor)).body)).to.deep.equal([next, far].sort());
    expect(usccs((await h.api().get(`/api/v1/enterprises?q=${tag}`).set(admin)).body)).to.deep.equal([here, next, far].sort());

    for (const role of ['enterprise', 'hotline'] as const) {
      const key = await createKey(role === 'enterprise' ? { role, uscc: here } : { role });
      const refused = await asKey(key);
      expect(refused.status, role).to.equal(403);
      expect(refused.body.error.code).to.equal('forbidden');
    }
    expect((await h.api().get(`/api/v1/enterprises?q=${tag}`)).status).to.equal(401);
  });

  it('answers a hostile q with 400 and a message saying what to change', async () => {
    const h = await harness();
    const nul = await h.api().get('/api/v1/enterprises?q=%E6%A1%93%00').set(admin);
    expect(nul.status).to.equal(400);
    expect(nul.body.error.code).to.equal('validation_failed');
    const long = await h
      .api()
      .get(`/api/v1/enterprises?q=${'a'.repeat(10_000)}`)
      .set(admin);
    expect(long.status).to.equal(400);
    expect(JSON.stringify(long.body.error.details)).to.include('/q').and.include('100');
    const empty = await h.api().get('/api/v1/enterprises?q=').set(admin);
    expect(empty.status).to.equal(400);
    // LIKE's wildcards are letters like any other
    const wild = await h.api().get('/api/v1/enterprises?q=%25%25_').set(admin);
    expect(wild.status).to.equal(200);
    expect(wild.body.items).to.deep.equal([]);
  });
});
