import { Router, type Request, type Response } from 'express';
import { localDate } from '../../domain/calendar.js';
import type { AppError } from '../../domain/errors.js';
import { statusNames } from '../../domain/messages.js';
import type { Lang } from '../../domain/i18n.js';
import type { Principal } from '../../domain/principal.js';
import { DrawPlanCreate, DrawPlanStop, type DrawPlanCreateBody, type DrawVerificationView } from '../../domain/schemas.js';
import { bodyValidator } from '../../http/validation.js';
import type { Services } from '../../services/index.js';
import { need, param, web } from '../context.js';
import { checked, field, fields, formClaim, formErrors, once, validateForm, type Form, type FormErrors } from '../forms.js';
import { page } from '../render.js';
import { outcomeNames, text } from '../strings.js';
import { agenciesInScope, assertAgencyInScope } from './supervision-scope.js';

// Random draws (双随机) on pages: a supervisor designs a plan, stops it, draws it now once its
// seed hash is published, and reads a draw with its assignments and its re-check in words.

const validPlan = bodyValidator(DrawPlanCreate);
const validStop = bodyValidator(DrawPlanStop);
const STRATA = ['A', 'B', 'C', 'D', 'unknown'] as const;

/** A number typed on a form, or the text as typed for the schema to refuse. */
const num = (s: string | undefined): number | string | undefined => (s === undefined ? undefined : /^\d+(\.\d+)?$/.test(s) ? Number(s) : s);

/** The plan form as the API's body: a percentage becomes a ratio, empty fields stay out. */
export function planBody(form: Form): Record<string, unknown> {
  const byRatio = field(form, 'by') !== 'size';
  const pct = num(field(form, 'ratioPercent'));
  const filter: Record<string, unknown> = {
    region: field(form, 'region'),
    industry: field(form, 'industry'),
    riskClasses: fields(form, 'riskClasses').length ? fields(form, 'riskClasses') : undefined,
  };
  for (const k of Object.keys(filter)) if (filter[k] === undefined) delete filter[k];
  const schedule: Record<string, unknown> = { firstDrawOn: field(form, 'firstDrawOn'), everyDays: num(field(form, 'everyDays')) };
  for (const k of Object.keys(schedule)) if (schedule[k] === undefined) delete schedule[k];
  const body: Record<string, unknown> = {
    agencyId: field(form, 'agencyId'),
    name: field(form, 'name'),
    filter,
    ratio: byRatio ? (typeof pct === 'number' ? Math.round(pct * 100) / 10_000 : pct) : undefined,
    size: byRatio ? undefined : num(field(form, 'size')),
    excludeInspectedWithinDays: num(field(form, 'excludeInspectedWithinDays')),
    includeNoDisturb: checked(form, 'includeNoDisturb') ? true : undefined,
    periodDays: num(field(form, 'periodDays')),
    schedule: Object.keys(schedule).length ? schedule : undefined,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** What a re-check found, in words: which of the four checks failed and where the draws first differ. */
export function recheckWords(v: DrawVerificationView, t: (k: Parameters<typeof text>[1], p?: Record<string, string | number>) => string) {
  const problems: string[] = [];
  if (!v.seedMatchesCommitment) problems.push(t('svCheckSeed'));
  if (!v.populationMatchesHash) problems.push(t('svCheckPopulation'));
  if (!v.assignmentsMatch) {
    const d = v.firstDifference;
    problems.push(
      d
        ? t('svCheckAssignmentsAt', { seq: d.seq, recorded: d.recorded ?? '—', recomputed: d.recomputed ?? '—' })
        : t('svCheckAssignments', { recorded: v.recorded, recomputed: v.recomputed }),
    );
  }
  if (!v.recordMatchesAudit) problems.push(t('svCheckAudit'));
  return { matches: v.matches, problems };
}

export function drawPages(services: Services): Router {
  const r = Router();

  async function plansPage(
    res: Response,
    p: Principal,
    extra: { errors?: FormErrors | null; failedId?: string | null; failedForm?: Form; flash?: string | null; status?: number } = {},
  ) {
    const w = web(res);
    const [plans, agencies] = await Promise.all([services.draws.listPlans(p), agenciesInScope(services, p)]);
    const names = await services.registry.agencyNames([...new Set(plans.map((pl) => pl.agencyId))]);
    // each plan with its latest draws: where its 核验 links lead
    const draws = new Map(
      await Promise.all(
        plans.slice(0, 200).map(async (pl) => [pl.id, (await services.draws.list({ plan: pl.id, limit: 3 })).items] as const),
      ),
    );
    const today = localDate(services.ctx.clock.now(), services.ctx.tz);
    page(
      res,
      'draw-plans',
      text(w.lang, 'svPlansTitle'),
      {
        active: plans.filter((pl) => !pl.stopped),
        stopped: plans.filter((pl) => pl.stopped),
        agencies: agencies.filter((a) => a.active),
        agencyName: (id: string) => names.get(id) ?? id,
        drawsOf: (id: string) => draws.get(id) ?? [],
        today,
        strata: STRATA,
        stratumName: (s: string) => text(w.lang, s === 'unknown' ? 'svStratumUnknown' : 'svStratum', { c: s }),
        errors: extra.errors ?? null,
        failedId: extra.failedId ?? null,
        form: extra.failedForm ?? {},
        flash: extra.flash ?? null,
      },
      { status: extra.status ?? 200 },
    );
  }

  /** A plan form that calls a service: on a refusal the user can fix, the plans page again with the errors. */
  const onPlans = (act: (p: Principal, req: Request, form: Form, lang: Lang) => Promise<string>) => async (req: Request, res: Response) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const form = req.body as Form;
    try {
      res.redirect(303, await act(p, req, form, w.lang));
    } catch (err) {
      const e = formErrors(err, w.lang, req.id);
      if (!e || (err as AppError).code === 'not_found') throw err;
      const failedId = typeof req.params.id === 'string' ? req.params.id : 'new';
      await plansPage(res, p, { errors: e, failedId, failedForm: form, status: (err as AppError).status });
    }
  };

  r.get('/dashboard/draw-plans', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const done = req.query.done;
    const lang = web(res).lang;
    await plansPage(res, p, {
      flash: done === 'created' ? text(lang, 'svPlanCreated') : done === 'stopped' ? text(lang, 'svPlanStoppedDone') : null,
    });
  });

  r.post(
    '/dashboard/draw-plans',
    onPlans(async (p, req, form, lang) => {
      const body = planBody(form);
      validateForm(validPlan, body, {});
      const result = await once(services, formClaim(p, form, body, lang, req.id, 201), (claim) =>
        services.draws.createPlan(p, body as DrawPlanCreateBody, claim),
      );
      const id = 'value' in result ? result.value.id : ((result.replay.body as { id?: string }).id ?? '');
      return `/dashboard/draw-plans?done=created#plan-${id}`;
    }),
  );

  r.post(
    '/dashboard/draw-plans/:id/stop',
    onPlans(async (p, req, form) => {
      const body: Record<string, unknown> = { reason: field(form, 'reason') };
      if (body.reason === undefined) delete body.reason;
      validateForm(validStop, body, {});
      await services.draws.stopPlan(p, param(req, 'id'), body as { reason: string });
      return `/dashboard/draw-plans?done=stopped#plan-${param(req, 'id')}`;
    }),
  );

  // the plan's committed draw made now: its seed hash is published, so nothing anyone can check changes
  r.post(
    '/dashboard/draw-plans/:id/draw',
    onPlans(async (p, req) => {
      const d = await services.draws.drawNow(p, param(req, 'id'));
      return `/dashboard/draws/${encodeURIComponent(d.id)}?done=drawn`;
    }),
  );

  async function drawPage(res: Response, p: Principal, id: string, flash: string | null) {
    const w = web(res);
    const d = await services.draws.get(id);
    await assertAgencyInScope(services, p, d.agency.id, 'draw', id);
    const t = (k: Parameters<typeof text>[1], params?: Record<string, string | number>) => text(w.lang, k, params);
    const v = d.status === 'drawn' ? await services.draws.verify(id) : null;
    page(res, 'draw', text(w.lang, 'svDrawTitle', { name: d.planName }), {
      d,
      check: v ? { ...recheckWords(v, t), at: v.checked.at, by: v.checked.by } : null,
      flash,
      filingStatusName: (s: string) => statusNames[s as keyof typeof statusNames]?.[w.lang] ?? s,
      outcomeName: (s: string) => outcomeNames[s]?.[w.lang] ?? s,
      assignmentStatusName: (s: string) => text(w.lang, s === 'filed' ? 'svAsgFiled' : s === 'expired' ? 'svAsgExpired' : 'svAsgOpen'),
      stratumName: (s: string) => text(w.lang, s === 'unknown' ? 'svStratumUnknown' : 'svStratum', { c: s }),
      // a period is recorded as [start, end): its last day is the day before the end
      firstDay: (at: string) => localDate(new Date(at), services.ctx.tz),
      lastDay: (at: string) => localDate(new Date(Date.parse(at) - 1), services.ctx.tz),
      excludedName: (k: string) => {
        const key = `svExcluded_${k}` as Parameters<typeof text>[1];
        return key in EXCLUDED ? text(w.lang, key) : text(w.lang, 'svExcludedOther');
      },
    });
  }
  const EXCLUDED: Record<string, true> = {
    svExcluded_recentlyInspected: true,
    svExcluded_noDisturb: true,
    svExcluded_openAssignment: true,
    svExcluded_capReached: true,
    svExcluded_rotationImpossible: true,
  };

  r.get('/dashboard/draws/:id', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const lang = web(res).lang;
    const done = req.query.done;
    const flash = done === 'drawn' ? text(lang, 'svDrawnNow') : done === 'rechecked' ? text(lang, 'svRechecked') : null;
    await drawPage(res, p, param(req, 'id'), flash);
  });

  // a re-run now from the recorded seed and population, kept as the draw's check (what `draws verify` does)
  r.post('/dashboard/draws/:id/recheck', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const id = param(req, 'id');
    const d = await services.draws.get(id);
    await assertAgencyInScope(services, p, d.agency.id, 'draw', id);
    await services.draws.recheck(id);
    res.redirect(303, `/dashboard/draws/${encodeURIComponent(id)}?done=rechecked`);
  });

  return r;
}
