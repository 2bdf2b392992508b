import { sql } from 'kysely';
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
import { addDays, localDate, localPeriod, localYear } from '../domain/calendar.js';
import { lockAgencyTree, lockEnterprise } from '../store/locks.js';
import { validateUscc } from '../domain/uscc.js';
import {
  agencyCodeTaken,
  citedItemCodes,
  credentialTaken,
  findAgency,
  insertAgency,
  insertInspector,
  itemRecords,
  listAgencies,
  listInspectors,
  lockAgency,
  publishItem,
  revokeInspector,
  setAgencyActive,
  withdrawItems,
  type AgencyRecord,
  type InspectorRecord,
  agencyNames,
  ancestorsOf,
  setAgencyParent,
  setAgencyContact,
} from '../store/agencies-repo.js';
import type { Db } from '../store/db.js';
import {
  enterpriseNames,
  findEnterprise,
  insertEnterprise,
  listEnterprises,
  updateEnterprise,
  type EnterpriseRecord,
} from '../store/enterprises-repo.js';
import { jurisdictionPrefix } from '../domain/region.js';
import { fingerprint } from '../domain/audit-signing.js';
import { chains, record } from './audit.js';
import { activeAuditKeyring } from './audit-keyring.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import { decodeCursor, pageOf } from './pagination.js';
import { assertAgencyActive } from './agency-active.js';

const agencyView = (a: AgencyRecord): AgencyView => ({ ...a, createdAt: a.createdAt.toISOString() });
const inspectorView = (i: InspectorRecord): InspectorView => ({
  ...i,
  credentialNo: maskCredential(i.credentialNo),
  createdAt: i.createdAt.toISOString(),
  revokedAt: i.revokedAt?.toISOString() ?? null,
});
const enterpriseView = (e: EnterpriseRecord): EnterpriseView => ({ ...e, createdAt: e.createdAt.toISOString() });

function conflict(what: Entity, id: string, path: string) {
  return new AppError('conflict', 'conflict_exists', { what: entities[what], id }, [{ path, key: 'already_exists' }]);
}

async function agencyDetail(db: Db, id: string): Promise<AgencyDetailView> {
  const a = await findAgency(db, id);
  if (!a) throw notFound('agency', id);
  const inspectors = await listInspectors(db, id);
  return { ...agencyView(a), inspectors: inspectors.map(inspectorView) };
}

/**
 * Makes `items` the agency's list in force. The name or basis of an item a filing has cited is
 * what that filing was filed under, so it is not rewritten: the item is withdrawn and published
 * under a new code instead.
 */
async function changeItems(trx: Db, agencyId: string, items: AgencyUpdateBody['items'] & {}, at: Date) {
  const stored = new Map((await itemRecords(trx, agencyId)).map((r) => [r.code, r]));
  const rewritten = items.flatMap((item, i) => {
    const before = stored.get(item.code);
    return before && (before.name !== item.name || before.basis !== item.basis) ? [{ item, i }] : [];
  });
  const cited = await citedItemCodes(
    trx,
    agencyId,
    rewritten.map((r) => r.item.code),
  );
  const refused = rewritten.filter((r) => cited.has(r.item.code));
  if (refused.length) {
    throw new AppError(
      'conflict',
      'item_cited',
      { codes: refused.map((r) => r.item.code).join(', ') },
      refused.map(({ item, i }) => ({ path: `/items/${i}`, key: 'item_cited' as const, params: { code: item.code } })),
    );
  }
  const published: string[] = [];
  const revised: string[] = [];
  for (const item of items) {
    const before = stored.get(item.code);
    const same = before && before.name === item.name && before.basis === item.basis;
    if (same && !before.withdrawnAt) continue;
    await publishItem(trx, agencyId, item);
    (before && !before.withdrawnAt ? revised : published).push(item.code);
  }
  const keep = new Set(items.map((i) => i.code));
  const withdrawn = [...stored.values()].filter((r) => !r.withdrawnAt && !keep.has(r.code)).map((r) => r.code);
  await withdrawItems(trx, agencyId, withdrawn, at);
  return { published, revised, withdrawn };
}

/**
 * A parent must exist and must not be the agency itself or one of its own descendants (a cycle
 * would make "the same system" meaningless). Parent changes are serialized, so two at once cannot
 * make a cycle between them.
 */
async function checkParent(trx: Db, id: string, parentId: string): Promise<void> {
  await lockAgencyTree(trx);
  if (!(await findAgency(trx, parentId))) throw notFound('agency', parentId, [{ path: '/parentAgencyId', key: 'no_such_agency' }]);
  const above = await ancestorsOf(trx, parentId, MAX_SYSTEM_DEPTH + 1);
  if (parentId === id || above.includes(id)) {
    throw new AppError('conflict', 'agency_parent_cycle', {}, [{ path: '/parentAgencyId', key: 'parent_cycle' }]);
  }
  // a bureau, its divisions and their squads: a few levels; a deeper chain is a mistake, and the
  // system lookups are bounded
  if (above.length + 1 >= MAX_SYSTEM_DEPTH) {
    throw new AppError('conflict', 'agency_system_too_deep', { max: MAX_SYSTEM_DEPTH }, [
      { path: '/parentAgencyId', key: 'at_most', params: { max: MAX_SYSTEM_DEPTH } },
    ]);
  }
}

/** Levels an enforcement system may have (the SQL function agency_system looks further, 16). */
const MAX_SYSTEM_DEPTH = 8;

/**
 * Moving an agency between systems mid-year would let a squad leave its bureau, visit what the
 * bureau visited, and come back: the annual cap counts the system as it is. So a change of parent
 * is refused while the agency's old or new system has a visit (not cancelled) in the current
 * calendar year; a reorganisation takes effect in a year without visits, or from January.
 */
async function refuseMidYearMove(trx: Db, id: string, newParentId: string | null, at: Date, tz: string): Promise<void> {
  const [from, to] = localPeriod(at, tz, 'year');
  const r = await sql<{ n: number }>`
    select count(*)::int as n from filings f
    where f.status <> 'cancelled' and f.planned_start < ${new Date(to)} and f.planned_end > ${new Date(from)}
      and (f.agency_id = any(agency_system(${id})) or f.agency_id = any(agency_system(${newParentId ?? id})))`.execute(trx);
  if ((r.rows[0]?.n ?? 0) > 0) {
    throw new AppError('conflict', 'agency_move_mid_year', { year: localYear(at, tz) }, [
      { path: '/parentAgencyId', key: 'move_mid_year' },
    ]);
  }
}

function refuseDuplicateCodes(items: readonly { code: string }[]): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.code))
      throw new AppError('validation_failed', 'validation_failed', {}, [
        { path: `/items/${i}/code`, key: 'item_code_duplicate', params: { code: item.code } },
      ]);
    seen.add(item.code);
  });
}

/** The division-code prefixes whose enterprises a search shows this caller (empty: all). */
async function searchScope(db: Db, actor: Principal): Promise<string[]> {
  if (actor.role === 'admin') return [];
  if (actor.role === 'supervisor') return actor.regions;
  if (actor.role !== 'agency') throw forbidden(actor.role);
  const agency = actor.agencyId ? await findAgency(db, actor.agencyId) : null;
  // no agency behind the key: a prefix no division code has, so nothing is shown
  return [agency ? jurisdictionPrefix(agency.region) : '-'];
}

export function createRegistryService(ctx: ServiceContext) {
  const now = () => ctx.clock.now();

  return {
    async createAgency(actor: Principal, body: AgencyCreateBody, claim?: IdempotencyClaim): Promise<AgencyDetailView> {
      refuseDuplicateCodes(body.items);
      if (await agencyCodeTaken(ctx.db, body.code)) throw conflict('agency', body.code, '/code');
      const id = newId('ag');
      return transact(ctx.db, claim, async (trx) => {
        if (body.parentAgencyId) await checkParent(trx, id, body.parentAgencyId);
        await insertAgency(trx, {
          id,
          code: body.code,
          name: body.name,
          region: body.region,
          items: body.items,
          parentAgencyId: body.parentAgencyId ?? null,
          address: body.address ?? null,
          phone: body.phone ?? null,
        });
        await record(trx, {
          chain: chains.agency(id),
          at: now(),
          actor: actor.keyId,
          action: 'agency.created',
          entityType: 'agency',
          entityId: id,
          payload: body,
        });
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

    // The credential register is the county's (the justice bureau issues 执法证), never the
    // agency's: the routes admit admins only, and the service holds to it whoever calls.
    async addInspector(actor: Principal, agencyId: string, body: InspectorCreateBody, claim?: IdempotencyClaim): Promise<InspectorView> {
      if (actor.role !== 'admin') throw forbidden(actor.role);
      if (!(await findAgency(ctx.db, agencyId))) throw notFound('agency', agencyId);
      await assertAgencyActive(ctx.db, agencyId);
      const credentialNo = normalizeCredential(body.credentialNo);
      if (await credentialTaken(ctx.db, credentialNo)) {
        throw conflict('inspector credential', maskCredential(credentialNo), '/credentialNo');
      }
      return transact(ctx.db, claim, async (trx) => {
        // the time it answers is the time it stores
        const inspector = { id: newId('insp'), agencyId, name: body.name, credentialNo, validUntil: body.validUntil, createdAt: now() };
        await insertInspector(trx, inspector);
        await record(trx, {
          chain: chains.agency(agencyId),
          at: inspector.createdAt,
          actor: actor.keyId,
          action: 'inspector.added',
          entityType: 'inspector',
          entityId: inspector.id,
          payload: {
            name: body.name,
            credentialNo: maskCredential(credentialNo),
            validUntil: body.validUntil,
            // the full number stays off the trail; this names it being swapped in the table
            credential: fingerprint(activeAuditKeyring(), 'credential', credentialNo),
          },
        });
        return inspectorView(inspector);
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
        const at = now();
        await insertEnterprise(trx, { ...e, createdAt: at });
        await record(trx, {
          chain: chains.enterprise(uscc),
          at,
          actor: actor.keyId,
          action: 'enterprise.registered',
          entityType: 'enterprise',
          entityId: uscc,
          payload: e,
        });
        return enterpriseView({ ...e, createdAt: at });
      });
    },

    /**
     * Registered enterprises, by credit code: a supervisor sees those in its regions, an agency
     * those in its jurisdiction (the form's search; a referral elsewhere is filed by its code).
     */
    async listEnterprises(actor: Principal, q: EnterpriseListQueryT): Promise<PageOf<EnterpriseView>> {
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor, (v): v is string => typeof v === 'string');
      const rows = await listEnterprises(ctx.db, {
        limit: limit + 1,
        after,
        scope: await searchScope(ctx.db, actor),
        ...(q.q ? { q: q.q } : {}),
        ...(q.region ? { region: q.region } : {}),
        ...(q.riskClass ? { riskClass: q.riskClass } : {}),
        ...(q.noDisturb !== undefined ? { noDisturb: q.noDisturb } : {}),
      });
      return pageOf(rows, limit, enterpriseView, (r) => r.uscc);
    },

    /** Enterprise names by credit code (a list of filings shows who was visited). */
    enterpriseNames(usccs: readonly string[]): Promise<Map<string, string>> {
      return enterpriseNames(ctx.db, usccs);
    },

    /** Risk class, no-disturb, region or name: audited with what it was, and used by every later decision. */
    async updateEnterprise(actor: Principal, raw: string, body: EnterpriseUpdateBody): Promise<EnterpriseView> {
      const uscc = validateUscc(raw, 'path');
      return ctx.db.transaction().execute(async (trx) => {
        // the enterprise's lock: no filing is decided on half an update
        await lockEnterprise(trx, uscc);
        const before = await findEnterprise(trx, uscc);
        if (!before) throw notFound('enterprise', uscc);
        const patch = {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.region !== undefined ? { region: body.region } : {}),
          ...(body.riskClass !== undefined ? { riskClass: body.riskClass } : {}),
          ...(body.noDisturb !== undefined ? { noDisturb: body.noDisturb } : {}),
        };
        await updateEnterprise(trx, uscc, patch);
        const changed = Object.fromEntries(
          Object.entries(patch)
            .filter(([k, v]) => before[k as keyof typeof before] !== v)
            .map(([k, v]) => [k, { from: before[k as keyof typeof before] ?? null, to: v }]),
        );
        if (Object.keys(changed).length) {
          await record(
            trx,
            {
              chain: chains.enterprise(uscc),
              at: now(),
              actor: actor.keyId,
              action: 'enterprise.updated',
              entityType: 'enterprise',
              entityId: uscc,
              payload: changed,
            },
            { lockHeld: true },
          );
        }
        return enterpriseView({ ...before, ...patch });
      });
    },

    /**
     * Deactivating an agency stops its filings (agency.registered); reactivating lets it file
     * again. A new item list is published as given: codes left out are withdrawn, not deleted,
     * so the filings that cited them still name them.
     */
    async updateAgency(actor: Principal, id: string, body: AgencyUpdateBody): Promise<AgencyDetailView> {
      if (body.items) refuseDuplicateCodes(body.items);
      return ctx.db.transaction().execute(async (trx) => {
        // one change of an agency at a time: the item list is compared with what is stored
        if (!(await lockAgency(trx, id))) throw notFound('agency', id);
        const a = await findAgency(trx, id);
        if (!a) throw notFound('agency', id);
        const at = now();
        if (body.active !== undefined && body.active !== a.active) {
          await setAgencyActive(trx, id, body.active);
          await record(trx, {
            chain: chains.agency(id),
            at,
            actor: actor.keyId,
            action: body.active ? 'agency.activated' : 'agency.deactivated',
            entityType: 'agency',
            entityId: id,
            payload: { active: body.active },
          });
        }
        if (body.parentAgencyId !== undefined && body.parentAgencyId !== a.parentAgencyId) {
          if (body.parentAgencyId) await checkParent(trx, id, body.parentAgencyId);
          else await lockAgencyTree(trx);
          await refuseMidYearMove(trx, id, body.parentAgencyId, at, ctx.tz);
          await setAgencyParent(trx, id, body.parentAgencyId);
          await record(trx, {
            chain: chains.agency(id),
            at,
            actor: actor.keyId,
            action: 'agency.parent_changed',
            entityType: 'agency',
            entityId: id,
            payload: { from: a.parentAgencyId, to: body.parentAgencyId },
          });
        }
        // the contact printed on its notices: audited with what it was, like an enterprise's change
        const contact = {
          ...(body.address !== undefined && body.address !== a.address ? { address: { from: a.address, to: body.address } } : {}),
          ...(body.phone !== undefined && body.phone !== a.phone ? { phone: { from: a.phone, to: body.phone } } : {}),
        };
        if (contact.address || contact.phone) {
          await setAgencyContact(trx, id, {
            ...(contact.address ? { address: contact.address.to } : {}),
            ...(contact.phone ? { phone: contact.phone.to } : {}),
          });
          await record(trx, {
            chain: chains.agency(id),
            at,
            actor: actor.keyId,
            action: 'agency.contact_changed',
            entityType: 'agency',
            entityId: id,
            payload: contact,
          });
        }
        if (body.items) {
          const change = await changeItems(trx, id, body.items, at);
          if (change.published.length || change.revised.length || change.withdrawn.length) {
            await record(trx, {
              chain: chains.agency(id),
              at,
              actor: actor.keyId,
              action: 'agency.items_changed',
              entityType: 'agency',
              entityId: id,
              payload: change,
            });
          }
        }
        return agencyDetail(trx, id);
      });
    },

    /** Ends a credential now: from today on the officer is not certified (the rules refuse them); the reason is audited. */
    async revokeInspector(actor: Principal, agencyId: string, inspectorId: string, body: InspectorRevokeBody): Promise<InspectorView> {
      if (actor.role !== 'admin') throw forbidden(actor.role);
      const inspector = (await listInspectors(ctx.db, agencyId)).find((i) => i.id === inspectorId);
      if (!inspector) throw notFound('inspector', inspectorId);
      if (inspector.revokedAt) return inspectorView(inspector);
      const at = now();
      const yesterday = addDays(localDate(at, ctx.tz), -1);
      let codes: string[] = [];
      const revoked = await ctx.db.transaction().execute(async (trx) => {
        await revokeInspector(trx, inspectorId, at, body.reason, yesterday);
        // every process drops what it cached about the open filings that name the officer: their
        // cards show the revocation at once
        const named = await sql<{ code: string }>`select verify_code as code, pg_notify('filing_changed', verify_code) from filings
                   where ${inspectorId} = any(inspector_ids) and status in ('filed', 'in_progress')`.execute(trx);
        codes = named.rows.map((r) => r.code);
        await record(trx, {
          chain: chains.agency(agencyId),
          at,
          actor: actor.keyId,
          action: 'inspector.revoked',
          entityType: 'inspector',
          entityId: inspectorId,
          payload: { reason: body.reason, credentialNo: maskCredential(inspector.credentialNo) },
        });
        const after = (await listInspectors(trx, agencyId)).find((i) => i.id === inspectorId) ?? inspector;
        return inspectorView(after);
      });
      for (const code of codes) ctx.verifyCache.evict(code);
      return revoked;
    },

    async getEnterprise(actor: Principal, raw: string): Promise<EnterpriseView> {
      const uscc = validateUscc(raw, 'path');
      // An enterprise key may read only itself, whether or not the other code is registered.
      if (actor.role === 'enterprise' && actor.uscc !== uscc) throw forbidden(actor.role);
      const e = await findEnterprise(ctx.db, uscc);
      // Out of a supervisor's regions reads as missing: existence elsewhere is not its to learn.
      if (!e || (actor.role === 'supervisor' && !inRegions(e.region, actor.regions))) throw notFound('enterprise', uscc);
      return enterpriseView(e);
    },
  };
}
