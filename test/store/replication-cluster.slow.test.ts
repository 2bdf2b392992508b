import { expect } from 'chai';
import { useReplicatedClusters } from '../support/pg-cluster.js';

// The test support for issue 20's replication tests, on real clusters: a primary and a synchronous
// streaming standby made by pg_basebackup -R, whose replay a test can hold back and wait on, and
// which takes over when promoted after the primary dies.

const rows = async (c: { query: (sql: string) => Promise<Record<string, unknown>[]> }) =>
  (await c.query('select note from replicated order by id')).map((r) => r.note);

describe('a primary and a synchronous streaming standby (private clusters)', function () {
  const pair = useReplicatedClusters({ synchronous: true });

  it('the standby streams as the synchronous one, is read-only, and shows a row once it has replayed it', async () => {
    const { primary, standby } = pair();
    const [rep] = await primary.query('select application_name, state, sync_state from pg_stat_replication');
    expect(rep).to.deep.equal({ application_name: 'standby1', state: 'streaming', sync_state: 'sync' });
    expect(await standby.inRecovery()).to.equal(true);
    expect(await primary.inRecovery()).to.equal(false);

    await primary.query('create table replicated (id serial primary key, note text not null)');
    await primary.query("insert into replicated (note) values ('first')");
    await standby.waitForReplay();
    expect(await rows(standby)).to.deep.equal(['first']);

    const refused = await standby.query("insert into replicated (note) values ('no')").catch((e: { code?: string }) => e);
    expect((refused as { code?: string }).code, 'read_only_sql_transaction').to.equal('25006');
  });

  it('holds replay back: while paused a new row is not on the standby, after resuming it is', async () => {
    const { primary, standby } = pair();
    await standby.pauseReplay();
    try {
      // a synchronous commit waits for the standby's flush, not its replay: it returns while paused
      await primary.query("insert into replicated (note) values ('second')");
      const at = await primary.currentLsn();
      expect(await rows(primary)).to.deep.equal(['first', 'second']);
      expect(await rows(standby)).to.deep.equal(['first']);
      const [lag] = await standby.query('select pg_last_wal_receive_lsn() >= $1::pg_lsn as received', [at]);
      expect(lag, 'the WAL has arrived, it is only not replayed').to.deep.equal({ received: true });
      await standby.waitForReplay(at, 300).then(
        () => expect.fail('replay went on while paused'),
        (e: Error) => expect(e.message).to.match(/not within 300 ms/),
      );
    } finally {
      await standby.resumeReplay();
    }
    await standby.waitForReplay();
    expect(await rows(standby)).to.deep.equal(['first', 'second']);
  });

  it('a second standby, not synchronous, streams too and is removed with its folder', async () => {
    const { primary } = pair();
    const second = await primary.createStandby({ name: 'standby2' });
    try {
      const states = await primary.query('select application_name, sync_state from pg_stat_replication order by application_name');
      expect(states).to.deep.equal([
        { application_name: 'standby1', sync_state: 'sync' },
        { application_name: 'standby2', sync_state: 'async' },
      ]);
      await primary.query("insert into replicated (note) values ('third')");
      await second.waitForReplay();
      expect(await rows(second)).to.deep.equal(['first', 'second', 'third']);
    } finally {
      await second.remove();
      await primary.query("select pg_drop_replication_slot('standby2')");
    }
  });

  it('after the primary stops immediately, the promoted standby has every committed row and takes writes', async () => {
    const { primary, standby } = pair();
    // committed on the primary, acknowledged once the synchronous standby has it: not yet replayed there
    await standby.pauseReplay();
    await primary.query("insert into replicated (note) values ('acknowledged')");
    await primary.stop('immediate');
    await primary.query('select 1').then(
      () => expect.fail('the primary still answers'),
      (e: { code?: string }) => expect(e.code).to.equal('ECONNREFUSED'),
    );
    // promotion replays what the standby received before it ends recovery, paused or not
    await standby.promote();
    expect(await standby.inRecovery()).to.equal(false);
    await standby.query("insert into replicated (note) values ('after failover')");
    expect(await rows(standby)).to.deep.equal(['first', 'second', 'third', 'acknowledged', 'after failover']);
  });
});
