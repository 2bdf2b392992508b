import { expect } from 'chai';
import { createHash, createHmac } from 'node:crypto';
import { harness } from '../support/harness.js';

// Whoever holds the database can plant a session row; without the cookie secret, which is never
// in the database (SESSION_SECRET, or derived from the audit key), they cannot sign its cookie.
describe('web sessions against whoever holds the database', () => {
  it('a planted session row and a cookie signed with a secret of their choosing open nothing', async () => {
    const h = await harness();
    const db = h.runtime.store.db;
    const admin = await db.selectFrom('api_keys').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow();
    const token = 'plantedtoken-0123456789abcdef';
    await db
      .insertInto('web_sessions')
      .values({
        id: createHash('sha256').update(token, 'utf8').digest('hex'),
        key_id: admin.id,
        expires_at: new Date(h.clock.now().getTime() + 3_600_000),
      })
      .execute();
    // whatever secret the database holds (earlier versions kept the cookie secret there), or one they choose
    await db
      .insertInto('app_secrets')
      .values({ name: 'session', value: 'attacker-chosen-session-secret-0123456789' })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const chosen = (await db.selectFrom('app_secrets').select('value').where('name', '=', 'session').executeTakeFirstOrThrow()).value;
    const cookie = `ifs=${token}.${createHmac('sha256', chosen).update(`cookie:${token}`).digest('base64url')}`;
    const res = await h.api().get('/dashboard').set('Cookie', cookie);
    expect(res.status).to.not.equal(200);
    expect(res.text).to.not.include('bootstrap admin');
  });
});
