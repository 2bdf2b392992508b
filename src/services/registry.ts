import { AppError, forbidden, notFound } from '../domain/errors.js';
import { entities, type Entity } from '../domain/messages.js';
import { maskCredential, newId, normalizeCredential } from '../domain/codes.js';
import { inRegions, type Principal } from '../domain/principal.js';
import type {
  AgencyCreateBody,
  AgencyDetailView,
  AgencyView,
  EnterpriseCreateBody,
  EnterpriseView,
  InspectorCreateBody,
  InspectorView,
  PageOf,
  AgencyUpdateBody,
  EnterpriseListQueryT,
  EnterpriseUpdateBody,
  InspectorRevokeBody,
} from '../domain/schemas.js';
import { addDays, localDate } from '../domain/calendar.js';
import { lockEnterprise } from '../store/locks.js';
import { validateUscc } from '../domain/uscc.js';
import {
  agencyCodeTaken,
  credentialTaken,
  findAgency,
  insertAgency,
  insertInspector,
  listAgencies,
  listInspectors,
  revokeInspector,
  setAgencyActive,
  type AgencyRecord,
  type InspectorRecord,
  agencyNames,
} from '../store/agencies-repo.js';
import type { Db } from '../store/db.js';
import { findEnterprise, insertEnterprise, listEnterprises, updateEnterprise, type EnterpriseRecord } from '../store/enterprises-repo.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import { decodeCursor, pageOf } from './pagination.js';

const agencyView = (a: AgencyRecord): AgencyView => ({ ...a, createdAt: a.createdAt.toISOString() });
const inspectorView = (i: InspectorRecord): InspectorView => ({
  ...i,
  credentialNo: maskCredential(i.credentialNo),
  createdAt: i.createdAt.toISOString(),
  revokedAt: i.revokedAt?.toISOString() ?? null,
});
const enterpriseView = (e: EnterpriseRecord): EnterpriseView => ({ ...e, createdAt: e.createdAt.toISOString() });

function conflict(what: Entity, id: string, path: string) {
  return new AppError('conflict', 'conflict_exists', { what: entities[what], id }, [{ path, message: { 'zh-CN': '已存在', en: 'already exists' } }]);
}

async function agencyDetail(db: Db, id: string): Promise<AgencyDetailView> {
  const a = await findAgency(db, id);
  if (!a) throw notFound('agency', id);
  const inspectors = await listInspectors(db, id);
  return { ...agencyView(a), inspectors: inspectors.map(inspectorView) };
}

export function createRegistryService(ctx: ServiceContext) {
  const now = () => ctx.clock.now();

  return {
    async createAgency(actor: Principal, body: AgencyCreateBody, claim?: IdempotencyClaim): Promise<AgencyDetailView> {
      const seen = new Set<string>();
      body.items.forEach((item, i) => {
        if (seen.has(item.code)) throw new AppError('validation_failed', 'validation_failed', {}, [{ path: `/items/${i}/code`, message: { 'zh-CN': `检查事项编码“${item.code}”重复`, en: `duplicate item code "${item.code}"` } }]);
        seen.add(item.code);
      });
      if (await agencyCodeTaken(ctx.db, body.code)) throw conflict('agency', body.code, '/code');
      const id = newId('ag');
      return transact(ctx.db, claim, async (trx) => {
        await insertAgency(trx, { id, code: body.code, name: body.name, region: body.region, items: body.items });
        await record(trx, { chain: chains.agency(id), at: now(), actor: actor.keyId, action: 'agency.created', entityType: 'agency', entityId: id, payload: body });
        return agencyDetail(trx, id);
      });
    },

    async listAgencies(_actor: Principal, q: { limit?: number; cursor?: string }): Promise<PageOf<AgencyView>> {
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor, (v): v is string => typeof v === 'string');
      const rows = await listAgencies(ctx.db, { limit: limit + 1, after });
      return pageOf(rows, limit, agencyView, (r) => r.id);
    },

    /** Agency names by id (a page listing violations of many agencies). */
    agencyNames(ids: string[]): Promise<Map<string, string>> {
      return agencyNames(ctx.db, ids);
    },

    async getAgency(_actor: Principal, id: string): Promise<AgencyDetailView> {
      return agencyDetail(ctx.db, id);
    },

    async addInspector(actor: Principal, agencyId: string, body: InspectorCreateBody, claim?: IdempotencyClaim): Promise<InspectorView> {
      if (actor.role === 'agency' && actor.agencyId !== agencyId) {
        throw new AppError('forbidden', 'agency_mismatch', { what: entities.agency, id: agencyId });
      }
      if (!(await findAgency(ctx.db, agencyId))) throw notFound('agency', agencyId);
      const credentialNo = normalizeCredential(body.credentialNo);
      if (await credentialTaken(ctx.db, credentialNo)) {
        throw conflict('inspector credential', maskCredential(credentialNo), '/credentialNo');
      }
      const inspector = { id: newId('insp'), agencyId, name: body.name, credentialNo, validUntil: body.validUntil };
      return transact(ctx.db, claim, async (trx) => {
        await insertInspector(trx, inspector);
        await record(trx, {
          chain: chains.agency(agencyId),
          at: now(),
          actor: actor.keyId,
          action: 'inspector.added',
          entityType: 'inspector',
          entityId: inspector.id,
          payload: { name: body.name, credentialNo: maskCredential(credentialNo), validUntil: body.validUntil },
        });
        return inspectorView({ ...inspector, createdAt: now() });
      });
    },

    async createEnterprise(actor: Principal, body: EnterpriseCreateBody, claim?: IdempotencyClaim): Promise<EnterpriseView> {
      const uscc = validateUscc(body.uscc);
      if (await findEnterprise(ctx.db, uscc)) throw conflict('enterprise', uscc, '/uscc');
      const e = {
        uscc,
        name: body.name,
        region: body.region,
        industry: body.industry ?? null,
        riskClass: body.riskClass ?? null,
        noDisturb: body.noDisturb ?? false,
      };
      return transact(ctx.db, claim, async (trx) => {
        await insertEnterprise(trx, e);
        await record(trx, { chain: chains.enterprise(uscc), at: now(), actor: actor.keyId, action: 'enterprise.registered', entityType: 'enterprise', entityId: uscc, payload: e });
        return enterpriseView({ ...e, createdAt: now() });
      });
    },

    /** Registered enterprises, by credit code; a supervisor sees those in its regions. */
    async listEnterprises(actor: Principal, q: EnterpriseListQueryT): Promise<PageOf<EnterpriseView>> {
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor, (v): v is string => typeof v === 'string');
      const rows = await listEnterprises(ctx.db, {
        limit: limit + 1,
        after,
        scope: actor.role === 'supervisor' ? actor.regions : [],
        ...(q.q ? { q: q.q } : {}),
        ...(q.region ? { region: q.region } : {}),
        ...(q.riskClass ? { riskClass: q.riskClass } : {}),
        ...(q.noDisturb !== undefined ? { noDisturb: q.noDisturb } : {}),
      });
      return pageOf(rows, limit, enterpriseView, (r) => r.uscc);
    },

    /** Risk class, no-disturb, region or name: audited with what it was, and used by every later decision. */
    async updateEnterprise(actor: Principal, raw: string, body: EnterpriseUpdateBody): Promise<EnterpriseView> {
      const uscc = validateUscc(raw);
      return ctx.db.transaction().execute(async (trx) => {
        // the enterprise's lock: no filing is decided on half an update
        await lockEnterprise(trx, uscc);
        const before = await findEnterprise(trx, uscc);
        if (!before) throw notFound('enterprise', uscc);
        const patch = { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.region !== undefined ? { region: body.region } : {}), ...(body.riskClass !== undefined ? { riskClass: body.riskClass } : {}), ...(body.noDisturb !== undefined ? { noDisturb: body.noDisturb } : {}) };
        await updateEnterprise(trx, uscc, patch);
        const changed = Object.fromEntries(Object.entries(patch).filter(([k, v]) => before[k as keyof typeof before] !== v).map(([k, v]) => [k, { from: before[k as keyof typeof before] ?? null, to: v }]));
        if (Object.keys(changed).length) {
          await record(trx, { chain: chains.enterprise(uscc), at: now(), actor: actor.keyId, action: 'enterprise.updated', entityType: 'enterprise', entityId: uscc, payload: changed }, { lockHeld: true });
        }
        return enterpriseView({ ...before, ...patch });
      });
    },

    /** Deactivating an agency stops its filings (agency.registered); reactivating lets it file again. */
    async updateAgency(actor: Principal, id: string, body: AgencyUpdateBody): Promise<AgencyDetailView> {
      const a = await findAgency(ctx.db, id);
      if (!a) throw notFound('agency', id);
      if (a.active === body.active) return agencyDetail(ctx.db, id);
      return ctx.db.transaction().execute(async (trx) => {
        await setAgencyActive(trx, id, body.active);
        await record(trx, { chain: chains.agency(id), at: now(), actor: actor.keyId, action: body.active ? 'agency.activated' : 'agency.deactivated', entityType: 'agency', entityId: id, payload: { active: body.active } });
        return agencyDetail(trx, id);
      });
    },

    /** Ends a credential now: from today on the officer is not certified (the rules refuse them); the reason is audited. */
    async revokeInspector(actor: Principal, agencyId: string, inspectorId: string, body: InspectorRevokeBody): Promise<InspectorView> {
      if (actor.role === 'agency' && actor.agencyId !== agencyId) throw new AppError('forbidden', 'agency_mismatch', { what: entities.agency, id: agencyId });
      const inspector = (await listInspectors(ctx.db, agencyId)).find((i) => i.id === inspectorId);
      if (!inspector) throw notFound('inspector', inspectorId);
      if (inspector.revokedAt) return inspectorView(inspector);
      const at = now();
      const yesterday = addDays(localDate(at, ctx.tz), -1);
      return ctx.db.transaction().execute(async (trx) => {
        await revokeInspector(trx, inspectorId, at, body.reason, yesterday);
        await record(trx, { chain: chains.agency(agencyId), at, actor: actor.keyId, action: 'inspector.revoked', entityType: 'inspector', entityId: inspectorId, payload: { reason: body.reason, credentialNo: maskCredential(inspector.credentialNo) } });
        const after = (await listInspectors(trx, agencyId)).find((i) => i.id === inspectorId) ?? inspector;
        return inspectorView(after);
      });
    },

    async getEnterprise(actor: Principal, raw: string): Promise<EnterpriseView> {
      const uscc = validateUscc(raw);
      // An enterprise key may read only itself, whether or not the other code is registered.
      if (actor.role === 'enterprise' && actor.uscc !== uscc) throw forbidden(actor.role);
      const e = await findEnterprise(ctx.db, uscc);
      // Out of a supervisor's regions reads as missing: existence elsewhere is not its to learn.
      if (!e || (actor.role === 'supervisor' && !inRegions(e.region, actor.regions))) throw notFound('enterprise', uscc);
      return enterpriseView(e);
    },
  };
}
