import { expect } from 'chai';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('runs with no configuration at all: PGlite in ./data on port 3000', () => {
    const c = loadConfig({});
    expect(c).to.include({
      port: 3000,
      databaseUrl: null,
      dataDir: './data',
      rulesDir: './rules',
      tzRegion: 'Asia/Shanghai',
      scheduler: true,
    });
    expect(c.publicUrl).to.equal('http://localhost:3000');
  });

  it('reports every bad value at once, with what was expected, and never echoes a URL that may hold a password', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        TZ_REGION: 'Mars/Olympus',
        SCHEDULER: 'maybe',
        DATABASE_URL: 'not a url with secret',
        WEBHOOK_URL: 'https://hooks.example/x',
        BOOTSTRAP_ADMIN_KEY: 'short',
      });
      expect.fail('should refuse');
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      const msg = (e as ConfigError).message;
      expect((e as ConfigError).problems).to.have.length(6);
      expect(msg).to.include('PORT must be a whole number from 0 to 65535, got "eighty"');
      expect(msg).to.include('TZ_REGION "Mars/Olympus" is not a known IANA time zone');
      expect(msg).to.include('SCHEDULER must be "on" or "off"');
      expect(msg).to.include('DATABASE_URL is not a valid URL');
      expect(msg).not.to.include('secret');
      expect(msg).to.include('WEBHOOK_SECRET is not');
      expect(msg).to.include('BOOTSTRAP_ADMIN_KEY must be at least 24 characters');
    }
  });

  it('refuses a hand-chosen key or token under 24 characters, and takes LOGIN_RATE_LIMIT as the old name of AUTH_FAILURE_LIMIT', () => {
    expect(() => loadConfig({ BOOTSTRAP_ADMIN_KEY: 'sixteen-chars-ok' })).to.throw(
      ConfigError,
      /BOOTSTRAP_ADMIN_KEY must be at least 24 characters/,
    );
    expect(() => loadConfig({ BOOTSTRAP_ADMIN_KEY: 'a'.repeat(23) })).to.throw(ConfigError, /at least 24/);
    expect(loadConfig({ BOOTSTRAP_ADMIN_KEY: 'a'.repeat(24) }).bootstrapAdminKey).to.have.length(24);
    expect(() => loadConfig({ METRICS_TOKEN: 'scrape' })).to.throw(ConfigError, /METRICS_TOKEN must be at least 24 characters/);
    expect(loadConfig({}).metricsToken).to.equal(null);
    expect(loadConfig({}).authFailureLimit).to.equal(20);
    expect(loadConfig({ LOGIN_RATE_LIMIT: '7' }).authFailureLimit).to.equal(7);
    expect(loadConfig({ LOGIN_RATE_LIMIT: '7', AUTH_FAILURE_LIMIT: '9' }).authFailureLimit).to.equal(9);
    expect(loadConfig({}).reportDailyLimit).to.equal(10);
  });

  it('takes TRUST_PROXY as a number of proxies or their addresses, and refuses anything Express could not use', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).to.equal('loopback, 10.0.0.0/8');
    for (const bad of ['true', 'foo', '10.0.0.0/33', '1.2.3.4/8/1', '-1']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).to.throw(ConfigError, /TRUST_PROXY/);
    }
  });
});
