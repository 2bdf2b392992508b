import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { waitFor } from './support/fixtures.js';
import { startServer, type ServerProcess } from './support/server-process.js';
import { tempDir, tempPath } from './support/temp.js';

describe('the server process', function () {
  let server: ServerProcess;
  let rulesDir: string;
  const key = 'server-test-admin-key-0123456789';

  before(async () => {
    rulesDir = await tempDir('rules');
    await cp('rules/national-baseline.json', join(rulesDir, 'national-baseline.json'));
    server = await startServer({ DATABASE_URL: '', DATA_DIR: await tempPath('data', 'db'), RULES_DIR: rulesDir, BOOTSTRAP_ADMIN_KEY: key });
    await server.ready();
  });

  after(async () => {
    await server.kill();
  });

  it('reloads its rule sets on SIGHUP, and keeps them when the file is bad', async () => {
    const { base } = server;
    const version = async () =>
      (
        (await (await fetch(`${base}/api/v1/rulesets`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
          items: { version: string }[];
        }
      ).items[0]?.version;
    const path = join(rulesDir, 'national-baseline.json');
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(await version()).to.equal(doc.version);
    await writeFile(path, JSON.stringify({ ...doc, version: '9.9.9' }));
    server.child.kill('SIGHUP');
    await waitFor(async () => (await version()) === '9.9.9', 10_000);
    await writeFile(path, '{ broken');
    server.child.kill('SIGHUP');
    await waitFor(async () => server.output().includes('rule sets refused; the previous sets stay in force'), 10_000);
    expect(await version()).to.equal('9.9.9');
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await server.kill('SIGTERM')).to.equal(0);
  });
});

describe('npm start (the compiled server)', function () {
  // the first start after an edit under src/ builds it again

  it('serves the API, the pages with their styles, and the docs from dist/; warns in production that PUBLIC_URL is localhost', async () => {
    // production without PUBLIC_URL: every notice's QR code would point at localhost. A service
    // under systemd or in a container has no terminal for the banner, so the log says it too
    // (test/start-banner.test.ts covers the banner's words and a real PUBLIC_URL staying silent)
    const server = await startServer({ DATABASE_URL: '', DATA_DIR: await tempPath('data', 'db'), NODE_ENV: 'production', PUBLIC_URL: '' }, [
      'bin/start.js',
    ]);
    try {
      await server.ready();
      await waitFor(async () => server.output().includes('WARNING: PUBLIC_URL'), 10_000);
      expect(server.output()).to.include('WARNING: PUBLIC_URL is http://localhost:').and.include('检查告知书');
      const landing = await fetch(`${server.base}/`);
      expect(landing.status).to.equal(200);
      const html = await landing.text();
      expect(html).to.include('涉企检查备案');
      const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
      expect(css, 'the landing page links its stylesheet').to.be.a('string');
      expect((await fetch(`${server.base}${css}`)).status).to.equal(200);
      expect((await fetch(`${server.base}/docs/`)).status).to.equal(200);
      expect(((await (await fetch(`${server.base}/openapi.json`)).json()) as { openapi: string }).openapi).to.match(/^3\./);
    } finally {
      expect(await server.kill('SIGTERM')).to.equal(0);
    }
  });
});
