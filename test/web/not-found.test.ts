import { expect } from 'chai';
import { harness } from '../support/harness.js';

// An address with no page: a browser gets the site's page with the way home; a program, and every
// address of the API, the JSON 404 it always had; hostile addresses a 4xx, never a 500.

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('the not-found page', () => {
  it('answers a browser at an unknown address with the HTML page: 页面不存在, the path shown escaped, a link home', async () => {
    const h = await harness();
    for (const path of ['/nope', '/filings/x/y/z', '/dashboard/nonexistent', '/v/ABCD-EFGH/extra/bits']) {
      const res = await h.api().get(path).set('Accept', BROWSER);
      expect(res.status, path).to.equal(404);
      expect(res.headers['content-type'], path).to.match(/^text\/html/);
      expect(res.text, path).to.include('<title>页面不存在 ·').and.include('<h1>页面不存在</h1>');
      expect(res.text, path).to.include(`<code class="nf-path">${path}</code>`);
      expect(res.text, path).to.include('<a class="button" href="/">返回首页</a>');
      expect(res.text, path).to.include('<link rel="stylesheet" href="/assets/app.css">');
    }
    const hostile = await h
      .api()
      .get(`/${encodeURIComponent('<script>alert(1)</script>')}`)
      .set('Accept', BROWSER);
    expect(hostile.status).to.equal(404);
    expect(hostile.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;').and.not.include('<script>alert');
    const en = await h.api().get('/nope?lang=en').set('Accept', BROWSER);
    expect(en.status).to.equal(404);
    expect(en.text).to.include('<h1>Page not found</h1>').and.include('Go to the home page');
    const head = await h.api().head('/nope').set('Accept', BROWSER);
    expect(head.status).to.equal(404);
    expect(head.headers['content-type']).to.match(/^text\/html/);
    expect(head.text ?? '').to.equal('');
  });

  it('keeps the JSON 404 for the API, for programs (no Accept, */*, application/json) and for anything but GET', async () => {
    const h = await harness();
    const json = async (req: Promise<{ status: number; headers: Record<string, string>; body: { error?: { code: string } } }>) => {
      const res = await req;
      expect(res.status).to.equal(404);
      expect(res.headers['content-type']).to.match(/^application\/json/);
      expect(res.body.error?.code).to.equal('not_found');
    };
    for (const path of ['/api/v1/nothing-here', '/api/v2/filings', '/api', '/API/v1/x', '/healthz/extra', '/readyz/x', '/metrics/x'])
      await json(h.api().get(path).set('Accept', BROWSER));
    await json(h.api().get('/nope'));
    await json(h.api().get('/nope').set('Accept', '*/*'));
    await json(h.api().get('/nope').set('Accept', 'application/json'));
    await json(h.api().get('/filings/x/y/z').set('Accept', 'application/json'));
    await json(h.api().post('/nope').set('Accept', BROWSER).send({}));
    await json(h.api().delete('/nope').set('Accept', BROWSER));
  });

  it('answers hostile addresses (NUL, bad percent-encoding, very long) with a 4xx, never a 500', async () => {
    const h = await harness();
    for (const path of ['/nope%00', '/%00/x', '/a%E0%A4%A', '/%', `/${'x'.repeat(6000)}`, `/${'页'.repeat(1500)}`]) {
      const res = await h.api().get(path).set('Accept', BROWSER);
      expect(res.status, path.slice(0, 40)).to.be.within(400, 499);
      expect(res.text, path.slice(0, 40)).not.to.match(/at .*\.ts:\d+/);
    }
    const long = await h
      .api()
      .get(`/${'x'.repeat(6000)}`)
      .set('Accept', BROWSER);
    expect(long.status).to.equal(404);
    // enough of it to spot a typo, not the whole of it
    expect(/<code class="nf-path">\/(x+)…<\/code>/.exec(long.text)?.[1]).to.have.length(199);
  });
});
