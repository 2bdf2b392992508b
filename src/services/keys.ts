import { createHash, randomBytes } from 'node:crypto';
import { AppError, errorBody, notFound } from '../domain/errors.js';
import { newId } from '../domain/codes.js';
import type { Principal } from '../domain/principal.js';
import type { KeyCreateBody, KeyCreatedView } from '../domain/schemas.js';
import { validateUscc } from '../domain/uscc.js';
import { existingAgencyIds } from '../store/agencies-repo.js';
import { findEnterprise } from '../store/enterprises-repo.js';
import { anyActiveAdmin, findPrincipalByHash, insertKey, keyHashExists } from '../store/keys-repo.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';

export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
const newKeyValue = () => `ifk_${randomBytes(24).toString('base64url')}`;

/** Who creates a key: an admin's principal, or the operator at the command line. */
export type Actor = Principal | { keyId: 'cli' | 'bootstrap' };

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

export function createKeyService(ctx: ServiceContext) {
  // Authentication is on every request; a short cache spares the database one query per call.
  const cache = new Map<string, { principal: Principal | null; until: number }>();

  async function checkScope(body: KeyCreateBody): Promise<{ agencyId: string | null; uscc: string | null; regions: string[]; email: string | null }> {
    const need = (field: string) => new AppError('validation_failed', 'key_scope_missing', { role: body.role, field }, [{ path: `/${field}`, message: 'required for this role' }]);
    const extra = (field: string) => new AppError('validation_failed', 'key_scope_extra', { role: body.role, field }, [{ path: `/${field}`, message: 'not allowed for this role' }]);
    if (body.role !== 'agency' && body.agencyId !== undefined) throw extra('agencyId');
    if (body.role !== 'enterprise' && body.uscc !== undefined) throw extra('uscc');
    if (body.role !== 'supervisor' && body.regions !== undefined) throw extra('regions');
    if (body.role !== 'supervisor' && body.email !== undefined) throw extra('email');
    if (body.role === 'agency') {
      if (!body.agencyId) throw need('agencyId');
      if (!(await existingAgencyIds(ctx.db, [body.agencyId])).has(body.agencyId)) throw notFound('agency', body.agencyId);
      return { agencyId: body.agencyId, uscc: null, regions: [], email: null };
    }
    if (body.role === 'enterprise') {
      if (!body.uscc) throw need('uscc');
      const uscc = validateUscc(body.uscc);
      if (!(await findEnterprise(ctx.db, uscc))) throw notFound('enterprise', uscc);
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
    return transact(ctx.db, claim, async (trx) => {
      await insertKey(trx, { id, keyHash: hashKey(key), role: body.role, name: body.name, ...scope });
      await record(trx, {
        chain: chains.keys,
        at: ctx.clock.now(),
        actor: actor.keyId,
        action: 'key.created',
        entityType: 'api_key',
        entityId: id,
        // never the key itself, nor its hash
        payload: { role: body.role, name: body.name, ...scope },
      });
      return answer(id);
    }, (_value, c) => ({ status: 409, body: errorBody(new AppError('conflict', 'key_shown_once', { id }), c.lang, c.requestId) }));
  }

  return {
    async create(actor: Actor, body: KeyCreateBody, claim?: IdempotencyClaim): Promise<KeyCreatedView> {
      const scope = await checkScope(body);
      const key = newKeyValue();
      return insertWithAudit(actor, key, body, scope, (id) => ({ id, key, role: body.role, name: body.name, ...scope }), claim);
    },

    /** BOOTSTRAP_ADMIN_KEY: make sure an admin key with exactly this value exists. */
    async ensureBootstrapAdmin(key: string): Promise<boolean> {
      if (await keyHashExists(ctx.db, hashKey(key))) return false;
      await insertWithAudit({ keyId: 'bootstrap' }, key, { role: 'admin', name: 'bootstrap admin' }, { agencyId: null, uscc: null, regions: [], email: null }, (id) => id);
      return true;
    },

    async adminExists(): Promise<boolean> {
      return anyActiveAdmin(ctx.db);
    },

    async authenticate(key: string): Promise<Principal | null> {
      const hash = hashKey(key);
      const now = Date.now();
      const hit = cache.get(hash);
      if (hit && hit.until > now) return hit.principal;
      const principal = await findPrincipalByHash(ctx.db, hash);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(hash, { principal, until: now + CACHE_TTL_MS });
      return principal;
    },
  };
}
export type KeyService = ReturnType<typeof createKeyService>;
