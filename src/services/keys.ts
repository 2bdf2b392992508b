import { createHash, randomBytes } from 'node:crypto';
import { AppError, errorBody, notFound } from '../domain/errors.js';
import { fieldName } from '../domain/field-labels.js';
import { newId } from '../domain/codes.js';
import { roleNames } from '../domain/messages.js';
import type { Principal } from '../domain/principal.js';
import type { KeyCreateBody, KeyCreatedView, KeyListQueryT, KeyViewT, PageOf } from '../domain/schemas.js';
import { validateUscc } from '../domain/uscc.js';
import { existingAgencyIds } from '../store/agencies-repo.js';
import { findEnterprise } from '../store/enterprises-repo.js';
import { lockChain } from '../store/locks.js';
import {
  anyActiveAdmin,
  findKey,
  findPrincipalByHash,
  insertKey,
  keyHashExists,
  listKeys,
  otherActiveAdmins,
  revokeKey,
  type KeyRow,
} from '../store/keys-repo.js';
import { pageOf, timeCursor } from './pagination.js';
import { keyFingerprint } from '../domain/audit-signing.js';
import { chains, record } from './audit.js';
import { activeAuditKeyring } from './audit-keyring.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import { assertAgencyActive } from './agency-active.js';

export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
const newKeyValue = () => `ifk_${randomBytes(24).toString('base64url')}`;

/** Who creates a key: an admin's principal, or the operator at the command line. */
export type Actor = Principal | { keyId: 'cli' | 'bootstrap' };

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

export function createKeyService(ctx: ServiceContext) {
  // Authentication is on every request; a short cache spares the database one query per call.
  // A revocation or expiry change is NOTIFYed by the database (key_changed, the key's hash) and
  // drops the entry in every process; while that feed is down the cache is not used.
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  // A lookup that was under way when a change arrived may have read the key before it: its
  // answer is used but not cached (else a revoked key could be let in until the entry expires).
  let changes = 0;
  ctx.changes?.subscribe(
    (hash) => {
      changes++;
      cache.delete(hash);
    },
    () => {
      changes++;
      cache.clear();
    },
    'keys',
  );
  const cacheUsable = () => ctx.changes?.healthy() ?? true;

  const view = (r: KeyRow, now: Date): KeyViewT => ({
    id: r.id,
    role: r.role,
    name: r.name,
    agencyId: r.agency_id,
    uscc: r.uscc,
    regions: r.regions,
    email: r.email,
    expiresAt: r.expires_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
    active: !r.revoked_at && (!r.expires_at || r.expires_at > now),
  });

  function expiry(body: KeyCreateBody): Date | null {
    if (!body.expiresAt) return null;
    const at = new Date(body.expiresAt);
    if (!(at > ctx.clock.now()))
      throw new AppError('validation_failed', 'key_expiry_past', {}, [{ path: '/expiresAt', key: 'must_be_future' }]);
    return at;
  }

  async function checkScope(
    body: KeyCreateBody,
  ): Promise<{ agencyId: string | null; uscc: string | null; regions: string[]; email: string | null }> {
    const need = (field: string) =>
      new AppError('validation_failed', 'key_scope_missing', { role: roleNames[body.role], field: fieldName(field) }, [
        { path: `/${field}`, key: 'required_for_role' },
      ]);
    const extra = (field: string) =>
      new AppError('validation_failed', 'key_scope_extra', { role: roleNames[body.role], field: fieldName(field) }, [
        { path: `/${field}`, key: 'not_for_role' },
      ]);
    if (body.role !== 'agency' && body.agencyId !== undefined) throw extra('agencyId');
    if (body.role !== 'enterprise' && body.uscc !== undefined) throw extra('uscc');
    if (body.role !== 'supervisor' && body.regions !== undefined) throw extra('regions');
    if (body.role !== 'supervisor' && body.email !== undefined) throw extra('email');
    if (body.role === 'agency') {
      if (!body.agencyId) throw need('agencyId');
      if (!(await existingAgencyIds(ctx.db, [body.agencyId])).has(body.agencyId))
        throw notFound('agency', body.agencyId, [{ path: '/agencyId', key: 'no_such_agency' }]);
      await assertAgencyActive(ctx.db, body.agencyId);
      return { agencyId: body.agencyId, uscc: null, regions: [], email: null };
    }
    if (body.role === 'enterprise') {
      if (!body.uscc) throw need('uscc');
      const uscc = validateUscc(body.uscc);
      if (!(await findEnterprise(ctx.db, uscc))) throw notFound('enterprise', uscc, [{ path: '/uscc', key: 'enterprise_not_registered' }]);
      return { agencyId: null, uscc, regions: [], email: null };
    }
    return { agencyId: null, uscc: null, regions: body.regions ?? [], email: body.email ?? null };
  }

  async function insertWithAudit<T>(
    actor: Actor,
    key: string,
    body: KeyCreateBody,
    scope: Awaited<ReturnType<typeof checkScope>>,
    answer: (id: string) => T,
    claim?: IdempotencyClaim,
  ): Promise<T> {
    const id = newId('key');
    const expiresAt = expiry(body);
    return transact(
      ctx.db,
      claim,
      async (trx) => {
        await insertKey(trx, { id, keyHash: hashKey(key), role: body.role, name: body.name, ...scope, expiresAt });
        await record(trx, {
          chain: chains.keys,
          at: ctx.clock.now(),
          actor: actor.keyId,
          action: 'key.created',
          entityType: 'api_key',
          entityId: id,
          // never the key itself, nor its hash
          payload: {
            role: body.role,
            name: body.name,
            ...scope,
            expiresAt: expiresAt?.toISOString() ?? null,
            // ties the row's stored hash to this event without revealing it: a secret swapped in the table is named
            fingerprint: keyFingerprint(activeAuditKeyring(), hashKey(key)),
          },
        });
        return answer(id);
      },
      (_value, c) => ({ status: 409, body: errorBody(new AppError('conflict', 'key_shown_once', { id }), c.lang, c.requestId) }),
    );
  }

  return {
    async create(actor: Actor, body: KeyCreateBody, claim?: IdempotencyClaim): Promise<KeyCreatedView> {
      const scope = await checkScope(body);
      const key = newKeyValue();
      return insertWithAudit(
        actor,
        key,
        body,
        scope,
        (id) => ({
          id,
          key,
          role: body.role,
          name: body.name,
          ...scope,
          expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : null,
        }),
        claim,
      );
    },

    /** BOOTSTRAP_ADMIN_KEY: make sure an admin key with exactly this value exists. */
    async ensureBootstrapAdmin(key: string): Promise<boolean> {
      if (await keyHashExists(ctx.db, hashKey(key))) return false;
      await insertWithAudit(
        { keyId: 'bootstrap' },
        key,
        { role: 'admin', name: 'bootstrap admin' },
        { agencyId: null, uscc: null, regions: [], email: null },
        (id) => id,
      );
      return true;
    },

    async adminExists(): Promise<boolean> {
      return anyActiveAdmin(ctx.db, ctx.clock.now());
    },

    async authenticate(key: string): Promise<Principal | null> {
      const hash = hashKey(key);
      const now = ctx.clock.now().getTime();
      const hit = cache.get(hash);
      if (hit && hit.until > now && cacheUsable()) return hit.principal;
      const before = changes;
      const found = await findPrincipalByHash(ctx.db, hash, new Date(now));
      if (cache.size >= CACHE_MAX) cache.clear();
      // an expiring key is cached no longer than it lives
      if (cacheUsable() && changes === before)
        cache.set(hash, {
          principal: found?.principal ?? null,
          until: Math.min(now + CACHE_TTL_MS, found?.expiresAt?.getTime() ?? Infinity),
        });
      return found?.principal ?? null;
    },

    async list(q: KeyListQueryT): Promise<PageOf<KeyViewT>> {
      const limit = q.limit ?? 50;
      const now = ctx.clock.now();
      const rows = await listKeys(ctx.db, {
        limit: limit + 1,
        after: timeCursor(q.cursor),
        now,
        ...(q.role ? { role: q.role } : {}),
        ...(q.active !== undefined ? { active: q.active } : {}),
      });
      return pageOf(
        rows,
        limit,
        (r) => view(r, now),
        (r) => [r.created_at.toISOString(), r.id],
      );
    },

    /** Revokes a key at once, in every process; revoking a revoked key answers it as it is. */
    async revoke(actor: Actor, id: string): Promise<KeyViewT> {
      const now = ctx.clock.now();
      const row = await findKey(ctx.db, id);
      if (!row) throw notFound('key', id);
      if (row.revoked_at) return view(row, now);
      const revoked = await ctx.db.transaction().execute(async (trx) => {
        // revocations one at a time (the keys' audit chain lock): two admins revoking each other
        // at once in two processes must not leave none
        await lockChain(trx, chains.keys);
        if (row.role === 'admin' && (await otherActiveAdmins(trx, id, now)) === 0) throw new AppError('conflict', 'key_last_admin', { id });
        const r = await revokeKey(trx, id, now);
        if (r)
          await record(
            trx,
            {
              chain: chains.keys,
              at: now,
              actor: actor.keyId,
              action: 'key.revoked',
              entityType: 'api_key',
              entityId: id,
              payload: { role: r.role, name: r.name },
            },
            { lockHeld: true },
          );
        return r;
      });
      cache.delete(row.key_hash);
      return view(revoked ?? (await findKey(ctx.db, id)) ?? row, now);
    },
  };
}
export type KeyService = ReturnType<typeof createKeyService>;
