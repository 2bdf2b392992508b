import { addDays, localDate } from '../domain/calendar.js';
import { newId } from '../domain/codes.js';
import { AppError, forbidden, notFound } from '../domain/errors.js';
import { fieldName } from '../domain/field-labels.js';
import { groundStatusNames, type GroundStatus } from '../domain/filing.js';
import { entities } from '../domain/messages.js';
import { inRegions, type Principal } from '../domain/principal.js';
import { inJurisdiction, jurisdictionPrefix } from '../domain/region.js';
import type { GroundCreateBody, GroundDetailView, GroundListQueryT, GroundUpdateBody, GroundView, PageOf } from '../domain/schemas.js';
import { validateUscc } from '../domain/uscc.js';
import { findAgency } from '../store/agencies-repo.js';
import type { Db } from '../store/db.js';
import { findEnterprise } from '../store/enterprises-repo.js';
import {
  filingsOnGround,
  adoptGround,
  findGround,
  groundTaken,
  insertGround,
  listGrounds,
  setGroundStatus,
  type GroundRow,
} from '../store/grounds-repo.js';
import { lockEnterprise } from '../store/locks.js';
import { insertViolationsOnce } from '../store/violations-repo.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import { pageOf, timeCursor } from './pagination.js';
import { agencyInactive, assertAgencyActive } from './agency-active.js';

// The grounds register (事由登记簿): the hotline tickets, referrals, monitoring leads, accidents,
// assignments and campaigns that a visit outside the plan rests on. The county keeps it: the
// 12345/8890 platform pushes its tickets, supervisors and admins register the rest. An agency
// may register a lead it received itself, for an enterprise in its own jurisdiction and for
// itself alone, and that lead is unverified until a supervisor of the region looks at it.

/** How long a ground grounds visits when the register is not told (a product default: a quarter). */
export const DEFAULT_VALID_DAYS = 90;

const view = (g: GroundRow): GroundView => ({
  id: g.id,
  kind: g.kind,
  reference: g.reference,
  enterpriseUscc: g.enterprise_uscc,
  region: g.region,
  agencyIds: g.agency_ids,
  level: g.level,
  title: g.title,
  validFrom: g.valid_from,
  validTo: g.valid_to,
  maxVisits: g.max_visits,
  status: g.status,
  statusNote: g.status_note,
  registeredBy: g.registered_role as GroundView['registeredBy'],
  registeredAt: g.registered_at.toISOString(),
});

const invalid = (path: string, key: 'required_for_kind' | 'not_for_campaign' | 'required_for_campaign' | 'only_own_agency') =>
  new AppError('validation_failed', 'validation_failed', {}, [{ path, key }]);

export function createGroundService(ctx: ServiceContext) {
  const now = () => ctx.clock.now();

  /** Which agency an agency key is, with its region: the scope of what it may register and see. */
  async function agencyOf(p: Principal) {
    const a = p.agencyId ? await findAgency(ctx.db, p.agencyId) : null;
    if (!a) throw forbidden(p.role);
    return a;
  }

  /** Whether a principal may see a ground (the same scope as the list). */
  async function canSee(p: Principal, g: GroundRow): Promise<boolean> {
    switch (p.role) {
      case 'admin':
        return true;
      case 'supervisor':
        return g.region === null || inRegions(g.region, p.regions);
      case 'agency': {
        const a = await agencyOf(p);
        if (g.agency_ids.includes(a.id)) return true;
        return g.agency_ids.length === 0 && (g.region === null || inJurisdiction(g.region, a.region));
      }
      default:
        return false;
    }
  }

  return {
    async register(p: Principal, body: GroundCreateBody, claim?: IdempotencyClaim): Promise<GroundView> {
      if (p.role === 'agency') await assertAgencyActive(ctx.db, p.agencyId);
      const campaign = body.kind === 'campaign';
      if (campaign && body.enterpriseUscc) throw invalid('/enterpriseUscc', 'not_for_campaign');
      if (!campaign && !body.enterpriseUscc) throw invalid('/enterpriseUscc', 'required_for_kind');
      if (campaign && !body.level) throw invalid('/level', 'required_for_campaign');
      if (!campaign && body.level) throw invalid('/level', 'not_for_campaign');
      if (campaign && !body.validTo) throw invalid('/validTo', 'required_for_campaign');
      const uscc = body.enterpriseUscc ? validateUscc(body.enterpriseUscc, '/enterpriseUscc') : null;
      const enterprise = uscc ? await findEnterprise(ctx.db, uscc) : null;
      if (uscc && !enterprise) throw notFound('enterprise', uscc, [{ path: '/enterpriseUscc', key: 'not_registered' }]);
      let agencyIds = body.agencyIds ?? [];
      const agencies = [];
      for (const [i, id] of agencyIds.entries()) {
        const a = await findAgency(ctx.db, id);
        if (!a) throw notFound('agency', id, [{ path: `/agencyIds/${i}`, key: 'no_such_agency' }]);
        // a ground assigns visits: a deactivated agency is given none
        if (!a.active) throw agencyInactive(id);
        agencies.push(a);
      }

      // who may register what, and how far it is believed
      let status: GroundStatus = 'verified';
      switch (p.role) {
        case 'admin':
          break;
        case 'supervisor':
          // a supervisor registers for its own regions: the enterprise's, or every agency a campaign names
          if (
            enterprise
              ? !inRegions(enterprise.region, p.regions)
              : p.regions.length > 0 && (agencies.length === 0 || agencies.some((a) => !inRegions(a.region, p.regions)))
          )
            throw forbidden(p.role);
          break;
        case 'hotline':
          // the 12345/8890 platform pushes complaint tickets, nothing else
          if (body.kind !== 'complaint') throw forbidden(p.role);
          break;
        case 'agency': {
          const own = await agencyOf(p);
          if (campaign || !enterprise || !inJurisdiction(enterprise.region, own.region)) throw forbidden(p.role);
          if (agencyIds.some((id) => id !== own.id)) throw invalid('/agencyIds', 'only_own_agency');
          agencyIds = [own.id];
          status = 'unverified';
          break;
        }
        default:
          throw forbidden(p.role);
      }

      const at = now();
      const today = localDate(at, ctx.tz);
      const validFrom = body.validFrom ?? today;
      const validTo = body.validTo ?? addDays(validFrom, DEFAULT_VALID_DAYS);
      // the party a ground comes from does not set how far it reaches: a ticket pushed by the
      // hotline, or an agency's own lead, grounds one visit, from at most a week back, for at most
      // the default period; supervisors and admins may register more
      if (p.role === 'agency' || p.role === 'hotline') {
        if (body.maxVisits !== undefined && body.maxVisits !== 1)
          throw new AppError('validation_failed', 'validation_failed', {}, [{ path: '/maxVisits', key: 'one_for_role' }]);
        if (validFrom < addDays(today, -7) || validTo > addDays(validFrom, DEFAULT_VALID_DAYS))
          throw new AppError('validation_failed', 'validation_failed', {}, [
            {
              path: body.validFrom !== undefined && validFrom < addDays(today, -7) ? '/validFrom' : '/validTo',
              key: 'validity_for_role',
              params: { days: DEFAULT_VALID_DAYS },
            },
          ]);
      }
      if (validTo < validFrom) {
        throw new AppError('validation_failed', 'date_order', { from: fieldName('validFrom'), to: fieldName('validTo') }, [
          { path: '/validTo', key: 'after_field', params: { field: fieldName('validFrom') } },
        ]);
      }
      const reference = body.reference.trim();
      const row: GroundRow = {
        id: newId('gnd'),
        kind: body.kind,
        reference,
        enterprise_uscc: uscc,
        region: enterprise?.region ?? null,
        agency_ids: agencyIds,
        level: body.level ?? null,
        title: body.title ?? null,
        valid_from: validFrom,
        valid_to: validTo,
        max_visits: body.maxVisits ?? 1,
        status,
        status_note: null,
        status_changed_at: null,
        status_changed_by: null,
        registered_by: p.keyId,
        registered_role: p.role,
        registered_at: at,
      };
      return transact(ctx.db, claim, async (trx) => {
        // the enterprise's lock: a ground and the filings that use it are written one at a time
        if (uscc) await lockEnterprise(trx, uscc);
        const taken = await groundTaken(trx, row.kind, reference, uscc);
        if (taken) {
          const before = await findGround(trx, taken, { forUpdate: true });
          // an agency's unverified entry does not squat the county's own registration: the hotline,
          // a supervisor or an admin registering the same ticket makes it theirs, verified, with
          // their assignment and limits (the filings that cited it keep citing it)
          if (before && before.status === 'unverified' && status === 'verified') {
            const adopted = await adoptGround(trx, taken, row, p.keyId, at);
            await record(
              trx,
              {
                chain: uscc ? chains.enterprise(uscc) : chains.registry,
                at,
                actor: p.keyId,
                action: 'ground.verified',
                entityType: 'ground',
                entityId: taken,
                payload: { ...body, registeredOver: before.registered_role },
              },
              { lockHeld: !!uscc },
            );
            return view(adopted);
          }
          throw new AppError('conflict', 'conflict_exists', { what: entities.ground, id: reference }, [
            { path: '/reference', key: 'already_exists' },
          ]);
        }
        await insertGround(trx, row);
        await record(
          trx,
          {
            chain: uscc ? chains.enterprise(uscc) : chains.registry,
            at,
            actor: p.keyId,
            action: 'ground.registered',
            entityType: 'ground',
            entityId: row.id,
            payload: { ...body, status },
          },
          { lockHeld: !!uscc },
        );
        return view(row);
      });
    },

    async list(p: Principal, q: GroundListQueryT): Promise<PageOf<GroundView>> {
      if (p.role !== 'admin' && p.role !== 'supervisor' && p.role !== 'agency') throw forbidden(p.role);
      const limit = q.limit ?? 50;
      const after = timeCursor(q.cursor);
      const scope =
        p.role === 'supervisor'
          ? { regions: p.regions }
          : p.role === 'agency'
            ? await agencyOf(p).then((a) => ({ agency: { id: a.id, prefix: jurisdictionPrefix(a.region) } }))
            : {};
      const rows = await listGrounds(
        ctx.db,
        scope,
        {
          kind: q.kind,
          uscc: q.enterprise ? validateUscc(q.enterprise, '/enterprise') : undefined,
          agencyId: q.agency,
          status: q.status,
        },
        { limit: limit + 1, after },
      );
      return pageOf(rows, limit, view, (r) => [r.registered_at.toISOString(), r.id]);
    },

    async get(p: Principal, id: string): Promise<GroundDetailView> {
      if (p.role !== 'admin' && p.role !== 'supervisor' && p.role !== 'agency') throw forbidden(p.role);
      const g = await findGround(ctx.db, id);
      // a ground outside the caller's scope is reported as missing
      if (!g || !(await canSee(p, g))) throw notFound('ground', id);
      const filings = await filingsOnGround(ctx.db, id, p.role === 'agency' ? (p.agencyId ?? '') : undefined);
      return {
        ...view(g),
        filings: filings.map((f) => ({
          id: f.id,
          filingNo: f.filing_no,
          agencyId: f.agency_id,
          status: f.status,
          plannedStart: f.planned_start.toISOString(),
        })),
      };
    },

    /**
     * A supervisor of the region confirms or rejects a ground an agency registered itself. A
     * rejection makes every visit it grounded an unfounded exemption, raised against the agency.
     */
    async review(p: Principal, id: string, body: GroundUpdateBody): Promise<GroundView> {
      if (p.role !== 'admin' && p.role !== 'supervisor') throw forbidden(p.role);
      const g0 = await findGround(ctx.db, id);
      if (!g0 || !(await canSee(p, g0))) throw notFound('ground', id);
      return ctx.db.transaction().execute(async (trx: Db) => {
        if (g0.enterprise_uscc) await lockEnterprise(trx, g0.enterprise_uscc);
        const g = await findGround(trx, id, { forUpdate: true });
        if (!g) throw notFound('ground', id);
        if (g.status !== 'unverified') {
          throw new AppError('conflict', 'ground_reviewed', { status: groundStatusNames[g.status] }, [
            { path: '/status', key: 'already_reviewed' },
          ]);
        }
        const at = now();
        const row = await setGroundStatus(trx, id, { status: body.status, note: body.note, at, by: p.keyId });
        const raised =
          body.status === 'rejected'
            ? await insertViolationsOnce(
                trx,
                (await filingsOnGround(trx, id))
                  .filter((f) => f.status !== 'cancelled')
                  .map((f) => ({
                    id: newId('vio'),
                    kind: 'unfounded_exemption' as const,
                    agencyId: f.agency_id,
                    enterpriseUscc: f.enterprise_uscc,
                    region: f.region,
                    filingId: f.id,
                    raisedAt: at,
                    occurredAt: f.planned_start,
                    details: { groundId: id, reference: g.reference, note: body.note },
                    dedupeKey: `unfounded_exemption:${f.id}`,
                  })),
              )
            : [];
        await record(
          trx,
          {
            chain: g.enterprise_uscc ? chains.enterprise(g.enterprise_uscc) : chains.registry,
            at,
            actor: p.keyId,
            action: body.status === 'verified' ? 'ground.verified' : 'ground.rejected',
            entityType: 'ground',
            entityId: id,
            payload: { note: body.note, violations: raised.map((v) => v.id) },
          },
          { lockHeld: !!g.enterprise_uscc },
        );
        return view(row);
      });
    },
  };
}

export type GroundService = ReturnType<typeof createGroundService>;
