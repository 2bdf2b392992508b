import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';
import { parsePostgresUrl, PostgresUrlError } from '../../src/store/pg-url.js';

describe('PostgreSQL URLs as libpq takes them (several hosts)', () => {
  it('splits the host list into one URL per host, keeping user, password, database and parameters, and reads target_session_attrs', () => {
    const t = parsePostgresUrl('postgres://app:s%40cret@db1:5432,db2:5433,[::1]/county?target_session_attrs=read-write&sslmode=disable');
    expect(t.sessionAttrs).to.equal('read-write');
    expect(t.user).to.equal('app');
    expect(t.hostNames).to.deep.equal(['db1:5432', 'db2:5433', '[::1]:5432']);
    expect(t.hostUrls).to.deep.equal([
      'postgres://app:s%40cret@db1:5432/county?sslmode=disable',
      'postgres://app:s%40cret@db2:5433/county?sslmode=disable',
      'postgres://app:s%40cret@[::1]/county?sslmode=disable',
    ]);
  });

  it('takes one host as before (any session, user postgres when none is named)', () => {
    const t = parsePostgresUrl('postgresql://127.0.0.1/inspection');
    expect(t).to.deep.include({ sessionAttrs: 'any', user: 'postgres', hostNames: ['127.0.0.1:5432'] });
    expect(t.hostUrls).to.deep.equal(['postgresql://127.0.0.1/inspection']);
  });

  it('takes a Unix socket (no host in the URL) as one server, passed on as it is', () => {
    const t = parsePostgresUrl('postgresql://app@/inspection?host=/var/run/postgresql');
    expect(t).to.deep.include({ sessionAttrs: 'any', user: 'app', hostNames: ['/var/run/postgresql'] });
    expect(t.hostUrls).to.deep.equal(['postgresql://app@/inspection?host=/var/run/postgresql']);
    expect(parsePostgresUrl('postgres:///inspection').hostUrls).to.deep.equal(['postgres:///inspection']);
  });

  it('refuses what libpq would refuse, without echoing the password', () => {
    const refused = (url: string) => {
      try {
        parsePostgresUrl(url);
      } catch (e) {
        expect(e).to.be.instanceOf(PostgresUrlError);
        expect((e as Error).message).not.to.include('hunter2');
        return (e as Error).message;
      }
      return expect.fail(`took ${url}`);
    };
    expect(refused('mysql://u:hunter2@h/db')).to.match(/postgres:\/\//);
    expect(refused('postgres://u:hunter2@h1,,h2/db')).to.match(/empty host/);
    expect(refused('postgres://u:hunter2@h1:5432,h2:port/db')).to.match(/host 2 of 2/);
    expect(refused('postgres://u:hunter2@h1,h2/db?target_session_attrs=master')).to.match(/read-write/);
    // an unencoded / in the password would make the rest of it the database name, printed at start
    expect(refused('postgres://app:1234/hunter2@db1:5432/inspection')).to.match(/percent-encode/);
    expect(refused('postgres://app:12#hunter2@db1/inspection')).to.match(/percent-encode/);
  });

  it('is how DATABASE_URL and DATABASE_READ_URL are checked at start', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://app@db1,db2/county?target_session_attrs=read-write',
      DATABASE_READ_URL: 'postgres://app@db2,db3/county?target_session_attrs=prefer-standby',
    });
    expect(c.databaseReadUrl).to.equal('postgres://app@db2,db3/county?target_session_attrs=prefer-standby');
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://app@db2/county' })).to.throw(
      ConfigError,
      /DATABASE_READ_URL needs DATABASE_URL/,
    );
    // where it writes, several hosts must ask for the primary: under libpq's default (any) a standby would do
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app@db1,db2/county' })).to.throw(ConfigError, /target_session_attrs=read-write/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app@db1/county?target_session_attrs=standby' })).to.throw(
      ConfigError,
      /not standby/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db1,db2/county?target_session_attrs=primary' }).databaseUrl).to.include('db2');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:hunter2@db1/x?target_session_attrs=primary-only' }))
      .to.throw(ConfigError, /DATABASE_URL is not a valid URL: target_session_attrs must be one of/)
      .with.property('message')
      .that.does.not.include('hunter2');
  });
});
