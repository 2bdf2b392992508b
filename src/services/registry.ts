import { AppError, notFound } from '../domain/errors.js';
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
} from '../domain/schemas.js';
import { validateUscc } from '../domain/uscc.js';
import {
  agencyCodeTaken,
  credentialTaken,
  findAgency,
  insertAgency,
  insertInspector,
  listAgencies,
  listInspectors,
  type AgencyRecord,
  type InspectorRecord,
  agencyNames,
} from '../store/agencies-repo.js';
import type { Db } from '../store/db.js';
import { findEnterprise, insertEnterprise, type EnterpriseRecord } from '../store/enterprises-repo.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import { decodeCursor, pageOf } from './pagination.js';

const agencyView = (a: AgencyRecord): AgencyView => ({ ...a, createdAt: a.createdAt.toISOString() });
const inspectorView = (i: InspectorRecord): InspectorView => ({
  ...i,
  credentialNo: maskCredential(i.credentialNo),
  createdAt: i.createdAt.toISOString(),
});
const enterpriseView = (e: EnterpriseRecord): EnterpriseView => ({ ...e, createdAt: e.createdAt.toISOString() });

function conflict(what: Entity, id: string, path: string) {
  return new AppError('conflict', 'conflict_exists', { what: entities[what], id }, [{ path, message: 'already exists' }]);
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
        if (seen.has(item.code)) throw new AppError('validation_failed', 'validation_failed', {}, [{ path: `/items/${i}/code`, message: `duplicate item code "${item.code}"` }]);
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

    async getEnterprise(actor: Principal, raw: string): Promise<EnterpriseView> {
      const uscc = validateUscc(raw);
      // An enterprise key may read only itself, whether or not the other code is registered.
      if (actor.role === 'enterprise' && actor.uscc !== uscc) throw new AppError('forbidden', 'forbidden', { role: actor.role });
      const e = await findEnterprise(ctx.db, uscc);
      // Out of a supervisor's regions reads as missing: existence elsewhere is not its to learn.
      if (!e || (actor.role === 'supervisor' && !inRegions(e.region, actor.regions))) throw notFound('enterprise', uscc);
      return enterpriseView(e);
    },
  };
}
