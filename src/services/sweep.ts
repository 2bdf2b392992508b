import { addDays, DAY_MS, localDate } from '../domain/calendar.js';
import { newId } from '../domain/codes.js';
import { DISCLOSURE_DUE_WORKDAYS, EMERGENCY_GROUND_HOURS, RESULT_DUE_WORKDAYS } from '../domain/violation.js';
import { unfoundedEmergencies } from '../store/grounds-repo.js';
import { purgeStoredResponses } from '../store/idempotency-repo.js';
import { purgeSessions } from '../store/sessions-repo.js';
import type { Db } from '../store/db.js';
import { insertViolationsOnce, type NewViolation } from '../store/violations-repo.js';
import type { ServiceContext } from './context.js';
import type { DrawService } from './draws.js';

export interface SweepSummary {
  resultOverdue: number;
  disclosureOverdue: number;
  /** filings whose window passed with no arrival confirmed and no result: counted, for the digest */
  windowsPassedWithoutArrival: number;
  drawNotExecuted: number;
  emergencyUnfounded: number;
  /** stored Idempotency-Key responses older than IDEMPOTENCY_TTL_MS, deleted */
  idempotencyPurged: number;
  /** web sessions expired or ended (a day's grace), deleted */
  sessionsPurged: number;
}

/** How long an Idempotency-Key's response is kept: a day (API.md), then a repeat is a new request. */
export const IDEMPOTENCY_TTL_MS = DAY_MS;

/**
 * The hourly sweep: a result not recorded by the end of the 5th working day after the window's
 * last day is overdue; a random inspection's, not recorded (and so not public) by the end of the
 * 20th, is a disclosure overdue. Working days follow the PRC calendar (holidays and make-up
 * days). Each is raised once per filing, whatever number of sweeps see it.
 */
export function createSweep(ctx: Pick<ServiceContext, 'tz' | 'workdays'>, draws: Pick<DrawService, 'expireUnfiled'>) {
  // the last working day allowed, per window end day and allowance
  const lastDays = new Map<string, string>();
  const lastAllowedDay = (end: Date, workdays: number): string => {
    const endDay = localDate(end, ctx.tz);
    const key = `${endDay}/${workdays}`;
    let d = lastDays.get(key);
    if (!d) {
      d = ctx.workdays.addWorkdays(addDays(endDay, 1), workdays - 1);
      if (lastDays.size > 10_000) lastDays.clear();
      lastDays.set(key, d);
    }
    return d;
  };

  return async function sweep(trx: Db, now: Date): Promise<SweepSummary> {
    const today = localDate(now, ctx.tz);
    // five working days are never fewer than five calendar days: older windows only
    const rows = await trx
      .selectFrom('filings')
      .select(['id', 'agency_id', 'enterprise_uscc', 'region', 'type', 'planned_end', 'status'])
      .where('status', 'in', ['filed', 'in_progress'])
      .where('planned_end', '<', new Date(now.getTime() - RESULT_DUE_WORKDAYS * DAY_MS))
      .execute();
    const raise: NewViolation[] = [];
    for (const r of rows) {
      const base = {
        agencyId: r.agency_id,
        enterpriseUscc: r.enterprise_uscc,
        region: r.region,
        filingId: r.id,
        raisedAt: now,
        occurredAt: now,
      };
      const resultDue = lastAllowedDay(r.planned_end, RESULT_DUE_WORKDAYS);
      if (today > resultDue) {
        raise.push({
          ...base,
          id: newId('vio'),
          kind: 'result_overdue',
          details: { plannedEnd: r.planned_end.toISOString(), lastDay: resultDue, workdays: RESULT_DUE_WORKDAYS },
          dedupeKey: `result_overdue:${r.id}`,
        });
      }
      const disclosureDue = lastAllowedDay(r.planned_end, DISCLOSURE_DUE_WORKDAYS);
      if (r.type === 'random' && today > disclosureDue) {
        raise.push({
          ...base,
          id: newId('vio'),
          kind: 'disclosure_overdue',
          details: { plannedEnd: r.planned_end.toISOString(), lastDay: disclosureDue, workdays: DISCLOSURE_DUE_WORKDAYS },
          dedupeKey: `disclosure_overdue:${r.id}`,
        });
      }
    }
    // a drawn assignment not filed by the end of its period: the random inspection was not carried out
    for (const a of await draws.expireUnfiled(trx, now)) {
      raise.push({
        id: newId('vio'),
        kind: 'draw_not_executed',
        agencyId: a.agencyId,
        enterpriseUscc: a.enterpriseUscc,
        region: a.region,
        filingId: null,
        raisedAt: now,
        occurredAt: a.periodEnd,
        details: { assignmentId: a.id, periodEnd: a.periodEnd.toISOString() },
        dedupeKey: `draw_not_executed:${a.id}`,
      });
    }
    // an emergency cites its ground afterwards; none registered within 48 hours of its start and
    // the visit rested on nothing the county can check
    for (const e of await unfoundedEmergencies(trx, now, EMERGENCY_GROUND_HOURS)) {
      raise.push({
        id: newId('vio'),
        kind: 'emergency_unfounded',
        agencyId: e.agency_id,
        enterpriseUscc: e.enterprise_uscc,
        region: e.region,
        filingId: e.id,
        raisedAt: now,
        occurredAt: e.planned_start,
        details: { trigger: { kind: e.trigger_kind, reference: e.trigger_reference }, hours: EMERGENCY_GROUND_HOURS },
        dedupeKey: `emergency_unfounded:${e.id}`,
      });
    }
    const inserted = await insertViolationsOnce(trx, raise);
    const passed = await trx
      .selectFrom('filings')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'filed')
      .where('on_site', '=', true)
      .where('planned_end', '<', now)
      .executeTakeFirstOrThrow();
    return {
      resultOverdue: inserted.filter((v) => v.kind === 'result_overdue').length,
      disclosureOverdue: inserted.filter((v) => v.kind === 'disclosure_overdue').length,
      drawNotExecuted: inserted.filter((v) => v.kind === 'draw_not_executed').length,
      emergencyUnfounded: inserted.filter((v) => v.kind === 'emergency_unfounded').length,
      windowsPassedWithoutArrival: Number(passed.n),
      idempotencyPurged: await purgeStoredResponses(trx, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
      sessionsPurged: await purgeSessions(trx, new Date(now.getTime() - DAY_MS)),
    };
  };
}
