import { AppError, forbidden, notFound } from '../domain/errors.js';
import { maskCredential, newId, VERIFY_CODE_PATTERN } from '../domain/codes.js';
import { auditActions, nextStatus, type FilingStatus, type FilingType } from '../domain/filing.js';
import { addDays, formatLocal, localDate } from '../domain/calendar.js';
import { fillBoth, type Localized } from '../domain/i18n.js';
import { messages } from '../domain/messages.js';
import type { Principal } from '../domain/principal.js';
import type { ArrivalView, VerificationView } from '../domain/schemas.js';
import { findByVerifyCode, findFilingForUpdate, markArrived, type VerifyView } from '../store/filings-repo.js';
import { lockEnterprise } from '../store/locks.js';
import type { FilingRow } from '../store/tables.js';
import { arrivalsOf, insertArrival, type ArrivalRow } from '../store/visits-repo.js';
import { insertViolationsOnce, type NewViolation } from '../store/violations-repo.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import { agencyOnFiling } from './filing-records.js';
import { raiseUnfiledArrival } from './unfiled-visits.js';
import { reportDailyLimit } from './report-quota.js';
import { assertAgencyActive } from './agency-active.js';

const codePattern = new RegExp(VERIFY_CODE_PATTERN);
/** Codes are printed upper-case; people type them in any case, with spaces or dashes. */
const normalizeCode = (raw: string) => raw.replace(/[\s-]/g, '').toUpperCase();

type WindowState = VerificationView['window'];

/**
 * A verification is the filing behind the code and where the clock stands against its window;
 * nothing else. Views come from the verification cache, the hottest path of the service, so the
 * same view is answered many times over: its answer for each window state is worked out once,
 * frozen and shared by every scan (and written out as JSON once, src/http/shared-json.ts).
 */
const answers = new WeakMap<VerifyView, (window: WindowState) => VerificationView>();
function answersOf(view: VerifyView, tz: string): (window: WindowState) => VerificationView {
  const known = answers.get(view);
  if (known) return known;
  const f = view.filing;
  const status = f.status as FilingStatus;
  const when = (d: Date) => formatLocal(d, tz);
  const notice = (window: WindowState): Localized =>
    status === 'cancelled'
      ? fillBoth(messages.verify_cancelled, { at: when(f.cancelled_at ?? f.planned_start) })
      : status === 'completed'
        ? fillBoth(f.result_outcome === 'not_conducted' ? messages.verify_not_conducted : messages.verify_completed, {
            at: when(f.conducted_at ?? f.planned_end),
          })
        : !f.on_site
          ? fillBoth(messages.verify_desk_review, { start: when(f.planned_start), end: when(f.planned_end) })
          : window === 'passed'
            ? fillBoth(messages.verify_passed, { end: when(f.planned_end) })
            : status === 'in_progress'
              ? fillBoth(messages.verify_in_progress, { end: when(f.planned_end) })
              : window === 'open'
                ? fillBoth(messages.verify_open, { end: when(f.planned_end) })
                : fillBoth(messages.verify_upcoming, { start: when(f.planned_start), end: when(f.planned_end) });
  const taking = new Set([f.agency_id, ...view.acceptedJointIds]);
  const filing: VerificationView['filing'] = Object.freeze({
    filingNo: f.filing_no,
    status,
    type: f.type as FilingType,
    onSite: f.on_site,
    agency: { name: view.agencyName },
    jointAgencies: view.jointAgencyNames.map((name) => ({ name })),
    enterprise: { name: view.enterpriseName },
    items: view.items,
    plannedStart: f.planned_start.toISOString(),
    plannedEnd: f.planned_end.toISOString(),
    // the officers of the agencies taking part: the lead's and those of joint agencies that accepted
    inspectors: view.inspectors
      .filter((i) => taking.has(i.agencyId))
      .map((i) => ({ name: i.name, credentialNo: maskCredential(i.credentialNo), revoked: !!i.revokedAt })),
    // the kind of ground, never its ticket or document number: a complainant must not be findable from a notice on the door
    trigger: f.trigger_kind ? { kind: f.trigger_kind } : null,
    campaign: f.campaign_level ? { level: f.campaign_level } : null,
    cancelledAt: f.cancelled_at?.toISOString() ?? null,
    completedAt: status === 'completed' ? (f.conducted_at?.toISOString() ?? null) : null,
  });
  // a desk review covers no visit, ever; nor does a visit left with fewer than two officers whose
  // credentials still stand (a revoked credential shows on the card at once)
  // a joint agency's officers count once it accepted the visit
  const standing = new Set(view.inspectors.filter((i) => !i.revokedAt && taking.has(i.agencyId)).map((i) => i.credentialNo));
  const open = (status === 'filed' || status === 'in_progress') && f.on_site && standing.size >= 2;
  const made = new Map<WindowState, VerificationView>();
  const answer = (window: WindowState): VerificationView => {
    let a = made.get(window);
    if (!a) {
      a = Object.freeze({
        // a cancelled filing never lets anyone in, whatever else it says
        valid: status !== 'cancelled',
        activeNow: open && window === 'open',
        window,
        notice: Object.freeze(notice(window)),
        filing,
      });
      made.set(window, a);
    }
    return a;
  };
  answers.set(view, answer);
  return answer;
}

/**
 * What an arrival confirmed at `at` raises: inspectors at the door under a desk review are an
 * unfiled visit; outside the filed window, outside_window (whatever the filing's status); the
 * enterprise confirming again after a day with no visit, repeated_entry (a filing covers one
 * visit; consecutive days count as one). Each once per filing and local day.
 */
function arrivalViolations(f: FilingRow, at: Date, role: Principal['role'], earlier: ArrivalRow[], tz: string): NewViolation[] {
  const day = localDate(at, tz);
  const base = { agencyId: f.agency_id, enterpriseUscc: f.enterprise_uscc, region: f.region, filingId: f.id, raisedAt: at, occurredAt: at };
  const out: NewViolation[] = [];
  if (!f.on_site) {
    out.push({
      ...base,
      id: newId('vio'),
      kind: 'unfiled_inspection',
      details: { arrivedAt: at.toISOString(), reason: 'a visit under a desk-review filing (onSite false)' },
      dedupeKey: `desk_review_visit:${f.id}:${day}`,
    });
  } else if (!(f.planned_start <= at && at <= f.planned_end)) {
    out.push({
      ...base,
      id: newId('vio'),
      kind: 'outside_window',
      details: { arrivedAt: at.toISOString(), plannedStart: f.planned_start.toISOString(), plannedEnd: f.planned_end.toISOString() },
      dedupeKey: `outside_window:arrival:${f.id}:${day}`,
    });
  }
  const days = new Set(earlier.map((a) => localDate(a.at, tz)));
  if (role === 'enterprise' && days.size > 0 && !days.has(day) && !days.has(addDays(day, -1))) {
    out.push({
      ...base,
      id: newId('vio'),
      kind: 'repeated_entry',
      details: { arrivedAt: at.toISOString(), earlierDays: [...days].sort() },
      dedupeKey: `repeated_entry:${f.id}:${day}`,
    });
  }
  return out;
}

export function createVerificationService(ctx: ServiceContext) {
  // an arrival confirmed on a code no filing has is one of the enterprise's reports of the day
  const reportQuota = { tz: ctx.tz, limit: reportDailyLimit(ctx) };
  /** For arrivals and the checks that decide: the cache, filled from the primary. */
  async function lookup(raw: string) {
    const code = normalizeCode(raw);
    const found = codePattern.test(code)
      ? await ctx.verifyCache.get(code, async () => ({ value: await findByVerifyCode(ctx.db, code), keep: true }))
      : null;
    if (!found) throw notFound('verification code', raw.slice(0, 40));
    return found;
  }

  /**
   * For scans: the cache, filled from a standby when the standby has replayed the filing's last
   * change (services/replica-reads.ts). With no primary answering, what a standby says is answered
   * (and not kept) with how far behind it may be.
   */
  async function lookupForScan(raw: string): Promise<{ found: VerifyView; possiblyBehindSeconds?: number | null }> {
    const code = normalizeCode(raw);
    const reads = ctx.reads;
    if (!reads) return { found: await lookup(raw) };
    let behind: { possiblyBehindSeconds?: number | null } = {};
    const found = codePattern.test(code)
      ? await ctx.verifyCache.get(code, async () => {
          const r = await reads.read(code, (db) => findByVerifyCode(db, code));
          if (r.possiblyBehindSeconds !== undefined) behind = { possiblyBehindSeconds: r.possiblyBehindSeconds };
          return { value: r.value, keep: r.possiblyBehindSeconds === undefined };
        })
      : null;
    if (!found) throw notFound('verification code', raw.slice(0, 40));
    return { found, ...behind };
  }

  return {
    async verify(raw: string): Promise<VerificationView> {
      const { found, possiblyBehindSeconds } = await lookupForScan(raw);
      const f = found.filing;
      const now = ctx.clock.now().getTime();
      const window = now < f.planned_start.getTime() ? 'upcoming' : now <= f.planned_end.getTime() ? 'open' : 'passed';
      const answer = answersOf(found, ctx.tz)(window);
      // rare (no primary answers): a new object, so the shared answer and its JSON stay as they are
      return possiblyBehindSeconds === undefined ? answer : { ...answer, possiblyBehindSeconds };
    },

    /** The filing behind a code, when the principal is its enterprise or an agency on it; else null. */
    async filingIdFor(p: Principal, raw: string): Promise<string | null> {
      if (!codePattern.test(normalizeCode(raw))) return null;
      const found = await lookup(raw).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') return null;
        throw err;
      });
      if (!found) return null;
      const f = found.filing;
      return (p.role === 'enterprise' && p.uscc === f.enterprise_uscc) || (p.role === 'agency' && agencyOnFiling(p.agencyId, f))
        ? f.id
        : null;
    },

    /**
     * The enterprise (or the filing agency) confirms the inspectors arrived. Outside the filed
     * window the arrival is still recorded, and an outside_window violation is raised.
     */
    async arrive(p: Principal, raw: string): Promise<ArrivalView> {
      const at = ctx.clock.now();
      let found: VerifyView;
      // what cannot be a code is a typing error, not a visit: refused, and nothing recorded
      if (!codePattern.test(normalizeCode(raw)))
        throw new AppError('validation_failed', 'code_malformed', {}, [{ path: '/code', key: 'not_a_code' }]);
      // `codeOf`: the filing whose code it is, when it is another enterprise's (the violation names
      // that filing and its agency; the enterprise is not told whose code it scanned)
      const unfiledAtDoor = async (uscc: string, codeOf: FilingRow | null = null): Promise<never> => {
        const violationId = await raiseUnfiledArrival(
          ctx.db,
          { uscc, code: normalizeCode(raw), filing: null, codeOf, at, actor: p.keyId },
          reportQuota,
        );
        throw new AppError('not_found', 'unknown_code_reported', { violationId }, [], { violationId });
      };
      try {
        found = await lookup(raw);
      } catch (err) {
        // the enterprise has inspectors at its door and no filing behind their code: an unfiled visit
        if (p.role === 'enterprise' && p.uscc && err instanceof AppError && err.code === 'not_found') return unfiledAtDoor(p.uscc);
        throw err;
      }
      const { filing } = found;
      // another enterprise's code covers no visit here; whose it is stays theirs to know
      if (p.role === 'enterprise' && p.uscc && p.uscc !== filing.enterprise_uscc) return unfiledAtDoor(p.uscc, filing);
      // the enterprise, or the agency that filed it (a joint agency answers on the filing, it does not record arrivals)
      const entitled =
        (p.role === 'enterprise' && p.uscc === filing.enterprise_uscc) || (p.role === 'agency' && p.agencyId === filing.agency_id);
      if (entitled && p.role === 'agency') await assertAgencyActive(ctx.db, p.agencyId);
      if (!entitled) throw forbidden(p.role);
      if (filing.status === 'cancelled' && p.role === 'enterprise') {
        const violationId = await raiseUnfiledArrival(
          ctx.db,
          {
            uscc: filing.enterprise_uscc,
            code: filing.verify_code,
            filing,
            at,
            actor: p.keyId,
          },
          reportQuota,
        );
        throw new AppError('conflict', 'cancelled_code_reported', { at: formatLocal(filing.cancelled_at ?? at, ctx.tz), violationId }, [], {
          violationId,
        });
      }
      const arrival = await ctx.db.transaction().execute(async (trx) => {
        await lockEnterprise(trx, filing.enterprise_uscc);
        const f = await findFilingForUpdate(trx, filing.id);
        if (!f) throw notFound('filing', filing.id);
        // the agency records an arrival on an open filing only; the enterprise's confirmation is its
        // own and is always kept, whatever the agency recorded before (or after)
        if (p.role === 'agency') nextStatus(f.status as FilingStatus, 'arrive');
        const at = ctx.clock.now();
        const earlier = await arrivalsOf(trx, f.id);
        if (f.status === 'filed') await markArrived(trx, f.id, at);
        const status = (f.status === 'filed' ? 'in_progress' : f.status) as FilingStatus;
        const withinWindow = f.planned_start <= at && at <= f.planned_end;
        const raised = await insertViolationsOnce(trx, arrivalViolations(f, at, p.role, earlier, ctx.tz));
        const violationId = raised[0]?.id ?? null;
        await insertArrival(trx, {
          id: newId('arr'),
          filing_id: f.id,
          by_role: p.role === 'enterprise' ? 'enterprise' : 'agency',
          actor: p.keyId,
          at,
          within_window: withinWindow,
          violation_id: violationId,
        });
        await record(
          trx,
          {
            chain: chains.enterprise(f.enterprise_uscc),
            at,
            actor: p.keyId,
            action: auditActions.arrive,
            entityType: 'filing',
            entityId: f.id,
            payload: { confirmedBy: p.role, withinWindow, violationIds: raised.map((v) => v.id) },
          },
          { lockHeld: true },
        );
        return { filingNo: f.filing_no, status, arrivedAt: at.toISOString(), withinWindow, violationId };
      });
      ctx.verifyCache.evict(filing.verify_code);
      return arrival;
    },
  };
}
