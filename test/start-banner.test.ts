import { expect } from 'chai';
import { loadConfig } from '../src/config.js';
import { isLocalUrl } from '../src/domain/public-url.js';
import { banner, publicUrlWarning } from '../src/start-banner.js';

// PUBLIC_URL is what every printed 检查告知书's QR code points at: in production, an address of
// the server itself is said loudly at start (the banner, and the log for a service with no terminal).

describe('the start banner and PUBLIC_URL', () => {
  it('warns loudly under NODE_ENV=production when PUBLIC_URL is unset (localhost) or names this machine', () => {
    for (const env of [
      { NODE_ENV: 'production' },
      { NODE_ENV: 'production', PUBLIC_URL: 'http://127.0.0.1:8080' },
      { NODE_ENV: 'production', PUBLIC_URL: 'http://[::1]:3000/' },
      { NODE_ENV: 'production', PUBLIC_URL: 'https://LOCALHOST' },
    ]) {
      const config = loadConfig(env);
      const text = banner(config, 'pglite', true, '9.9.9');
      expect(text, JSON.stringify(env)).to.include('WARNING: PUBLIC_URL').and.include(config.publicUrl).and.include('检查告知书');
      expect(text).to.include('Set PUBLIC_URL').and.include('警告');
      expect(publicUrlWarning(config).length).to.be.greaterThan(0);
    }
  });

  it('says nothing of it with a real address, or outside production', () => {
    for (const env of [
      { NODE_ENV: 'production', PUBLIC_URL: 'https://jiancha.example.gov.cn' },
      { NODE_ENV: 'production', PUBLIC_URL: 'http://10.1.2.3:3000' },
      {},
      { NODE_ENV: 'development' },
    ]) {
      const config = loadConfig(env);
      expect(publicUrlWarning(config), JSON.stringify(env)).to.deep.equal([]);
      expect(banner(config, 'pglite', false, '9.9.9')).not.to.include('WARNING');
    }
  });

  it('knows the addresses that name this machine only', () => {
    for (const url of [
      'http://localhost',
      'http://a.localhost:1',
      'http://127.0.0.1',
      'http://127.8.9.10',
      'http://[::1]',
      'http://0.0.0.0:3000',
    ])
      expect(isLocalUrl(url), url).to.equal(true);
    for (const url of ['http://localhost.example.cn', 'http://192.168.1.10', 'https://jiancha.gov.cn', 'http://[2001:db8::1]', 'not a url'])
      expect(isLocalUrl(url), url).to.equal(false);
  });
});
