import { conductChoices } from '../conduct.js';
import { Router, type Response } from 'express';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import {
  GroundCreate,
  GroundUpdate,
  ViolationBulkUpdate,
  ViolationUpdate,
  type DrawSummaryView,
  type GroundCreateBody,
  type GroundUpdateBody,
} from '../../domain/schemas.js';
import { GROUND_KINDS, groundStatusNames, triggerLabels, type GroundKind, type GroundStatus } from '../../domain/filing.js';
import {
  VIOLATION_KINDS,
  VIOLATION_STATUSES,
  violationKindNames,
  violationStatusNames,
  type ViolationKind,
  type ViolationStatus,
} from '../../domain/violation.js';
import { bodyValidator } from '../../http/validation.js';
import type { Services } from '../../services/index.js';
import { need, param, web } from '../context.js';
import { field, fields, formErrors, validateForm, type Form, type FormErrors } from '../forms.js';
import { page } from '../render.js';
import { sourceNames, text } from '../strings.js';
import { trendChart } from './supervision-chart.js';
import { digestPages } from './supervision-digests.js';
import { drawPages } from './supervision-draws.js';
import { groundPages } from './supervision-grounds.js';
import { violationPages } from './supervision-violations.js';
import { localDate } from '../../domain/calendar.js';

const validUpdate = bodyValidator(ViolationUpdate);
const validBulk = bodyValidator(ViolationBulkUpdate);

/** The violation list's filters and page, from the dashboard's address (`?vstatus=&vkind=&venterprise=&vcursor=`). */
interface ViolationFilter {
  status?: ViolationStatus;
  kind?: ViolationKind;
  enterprise?: string;
  cursor?: string;
}
function violationFilter(query: unknown): ViolationFilter {
  const q = (query ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof q[k] === 'string' && q[k].trim() ? q[k].trim() : undefined);
  const status = VIOLATION_STATUSES.find((s) => s === str('vstatus'));
  const kind = VIOLATION_KINDS.find((k) => k === str('vkind'));
  const enterprise = str('venterprise');
  const cursor = str('vcursor');
  return { ...(status ? { status } : {}), ...(kind ? { kind } : {}), ...(enterprise ? { enterprise } : {}), ...(cursor ? { cursor } : {}) };
}
const filterHref = (f: ViolationFilter, cursor: string) =>
  `/dashboard?${new URLSearchParams({
    ...(f.status ? { vstatus: f.status } : {}),
    ...(f.kind ? { vkind: f.kind } : {}),
    ...(f.enterprise ? { venterprise: f.enterprise } : {}),
    vcursor: cursor,
  }).toString()}#violations`;
const validGround = bodyValidator(GroundCreate);
const validGroundUpdate = bodyValidator(GroundUpdate);
const DAY = 86_400_000;

/** The supervisor's morning: what went wrong, who is doing well, what the digests and draws say. */
export function dashboardPages(services: Services): Router {
  const r = Router();

  // re-running a draw over a large population takes a noticeable fraction of a second; a
  // dashboard opened every minute by several supervisors reuses a check for that long
  const checked = new Map<string, { matches: boolean; until: number }>();
  async function check(id: string): Promise<boolean> {
    const now = Date.now();
    const hit = checked.get(id);
    if (hit && hit.until > now) return hit.matches;
    const { matches } = await services.draws.verify(id);
    if (checked.size > 1000) checked.clear();
    checked.set(id, { matches, until: now + 60_000 });
    return matches;
  }
  /** The newest draws of the principal's plans (a supervisor's regions), each with its kept check. */
  async function drawsWithCheck(planIds: string[] | null): Promise<(DrawSummaryView & { check: boolean | null })[]> {
    const items =
      planIds === null
        ? (await services.draws.list({ limit: 10 })).items
        : (await Promise.all(planIds.slice(0, 50).map(async (plan) => (await services.draws.list({ plan, limit: 3 })).items)))
            .flat()
            .sort((a, b) => b.committedAt.localeCompare(a.committedAt))
            .slice(0, 10);
    return Promise.all(items.map(async (d) => ({ ...d, check: d.status === 'drawn' ? await check(d.id) : null })));
  }

  async function dashboard(
    res: Response,
    p: Principal,
    extra: {
      errors?: FormErrors | null;
      failedId?: string | null;
      failedForm?: Form;
      flash?: string | null;
      status?: number;
      filter?: ViolationFilter;
    } = {},
  ) {
    const w = web(res);
    const now = services.ctx.clock.now();
    const filter = extra.filter ?? {};
    // unfiltered: what is to be worked (open, then acknowledged); filtered: one list, a page at a time
    const filtered = Object.keys(filter).length > 0;
    const plans = await services.draws.listPlans(p);
    const [live, open, acknowledged, card, digests, draws, grounds] = await Promise.all([
      services.digests.live(p),
      services.violations.list(p, filtered ? { ...filter, limit: 50 } : { status: 'open', limit: 50 }),
      filtered ? Promise.resolve({ items: [], nextCursor: null }) : services.violations.list(p, { status: 'acknowledged', limit: 50 }),
      services.digests.scorecard(p, new Date(now.getTime() - 30 * DAY).toISOString(), now.toISOString()),
      services.digests.list(p, 30),
      drawsWithCheck(p.role === 'admin' ? null : plans.map((pl) => pl.id)),
      services.grounds.list(p, { limit: 30 }),
    ]);
    const violations = [...open.items, ...acknowledged.items];
    const conduct = new Map(conductChoices(services).map((c) => [c.id, c.message[w.lang]]));
    const groundKindName = (k: GroundKind) => (k === 'campaign' ? text(w.lang, 'groundCampaign') : triggerLabels[k][w.lang]);
    const names = await services.registry.agencyNames(violations.flatMap((v) => (v.agencyId ? [v.agencyId] : [])));
    page(
      res,
      'dashboard',
      text(w.lang, 'dashboardTitle'),
      {
        live,
        chart: trendChart(live.trend, localDate(now, services.ctx.tz), w.lang),
        violations,
        filter,
        filtered,
        nextPage: open.nextCursor ? filterHref(filtered ? filter : { status: 'open' }, open.nextCursor) : null,
        statuses: VIOLATION_STATUSES,
        kinds: VIOLATION_KINDS,
        agencyName: (v: { agencyId: string | null; agencyName: string | null }) =>
          v.agencyId ? (names.get(v.agencyId) ?? v.agencyId) : (v.agencyName ?? '—'),
        scorecard: card.agencies,
        digests,
        draws,
        grounds: grounds.items,
        plans: plans.slice(0, 30),
        groundKinds: GROUND_KINDS.map((k) => ({ value: k, label: groundKindName(k) })),
        groundKindName,
        groundStatusName: (s: GroundStatus) => groundStatusNames[s][w.lang],
        kindName: (k: string) => violationKindNames[k as ViolationKind]?.[w.lang] ?? k,
        vstatusName: (s: string) => violationStatusNames[s as ViolationStatus]?.[w.lang] ?? s,
        sourceName: (s: string) => sourceNames[s]?.[w.lang] ?? s,
        conductName: (id: string) => conduct.get(id) ?? text(w.lang, 'svRuleRetired'),
        errors: extra.errors ?? null,
        failedId: extra.failedId ?? null,
        failedForm: extra.failedForm ?? {},
        flash: extra.flash ?? null,
      },
      { status: extra.status ?? 200 },
    );
  }

  r.get('/dashboard', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    await dashboard(res, p, {
      flash: req.query.done ? text(web(res).lang, 'statusChanged') : null,
      filter: violationFilter(req.query),
    });
  });

  // the violations ticked on the dashboard, changed at once (a flood dismissed), as the API's bulk change
  r.post('/dashboard/violations-bulk', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const form = req.body as Form;
    const body: Record<string, unknown> = { ids: fields(form, 'ids'), status: field(form, 'status'), note: field(form, 'note') };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    try {
      validBulk(body);
      await services.violations.changeMany(p, body as { ids: string[]; status: 'acknowledged' | 'resolved' | 'dismissed'; note: string });
      res.redirect(303, '/dashboard?done=1#violations');
    } catch (err) {
      const e = formErrors(err, w.lang, req.id);
      if (!e) throw err;
      await dashboard(res, p, { errors: e, failedId: 'bulk', failedForm: form, status: (err as AppError).status });
    }
  });

  r.post('/dashboard/violations/:id', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const form = req.body as Form;
    const body: Record<string, unknown> = { status: field(form, 'status'), note: field(form, 'note') };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    try {
      validUpdate(body);
      await services.violations.change(p, param(req, 'id'), body as { status: 'acknowledged' | 'resolved' | 'dismissed'; note: string });
      // changed on the violation's own page: back there, to its history
      if (field(form, 'back') === 'detail')
        return res.redirect(303, `/dashboard/violations/${encodeURIComponent(param(req, 'id'))}?done=1`);
      res.redirect(303, '/dashboard?done=1#violations');
    } catch (err) {
      const e = formErrors(err, w.lang, req.id);
      if (!e || (err as AppError).code === 'not_found') throw err;
      await dashboard(res, p, { errors: e, failedId: param(req, 'id'), failedForm: form, status: (err as AppError).status });
    }
  });

  /** A dashboard form that calls a service: on a refusal the user can fix, the dashboard again with the errors. */
  const onDashboard =
    (anchor: string, act: (p: Principal, req: Parameters<Parameters<typeof r.post>[1]>[0], form: Form) => Promise<void>) =>
    async (req: Parameters<Parameters<typeof r.post>[1]>[0], res: Response) => {
      const p = need(res, ['supervisor', 'admin']);
      const w = web(res);
      const form = req.body as Form;
      try {
        await act(p, req, form);
        // a ground reviewed on its own page: back there
        if (anchor === 'grounds' && typeof req.params.id === 'string' && field(form, 'back') === 'detail')
          return res.redirect(303, `/dashboard/grounds/${encodeURIComponent(req.params.id)}?done=1`);
        res.redirect(303, `/dashboard?done=1#${anchor}`);
      } catch (err) {
        const e = formErrors(err, w.lang, req.id, { uscc_invalid: 'enterpriseUscc' });
        if (!e || (err as AppError).code === 'not_found') throw err;
        const failedId = typeof req.params.id === 'string' ? req.params.id : anchor;
        await dashboard(res, p, { errors: e, failedId, failedForm: form, status: (err as AppError).status });
      }
    };

  // the grounds register: a supervisor registers a ticket, referral, lead or campaign
  r.post(
    '/dashboard/grounds',
    onDashboard('grounds', async (p, _req, form) => {
      const agencyIds = (field(form, 'agencyIds') ?? '')
        .split(/[,，\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const maxVisits = field(form, 'maxVisits');
      const body: Record<string, unknown> = {
        kind: field(form, 'kind'),
        reference: field(form, 'reference'),
        enterpriseUscc: field(form, 'enterpriseUscc'),
        agencyIds: agencyIds.length ? agencyIds : undefined,
        level: field(form, 'kind') === 'campaign' ? 'higher' : undefined,
        validTo: field(form, 'validTo'),
        maxVisits: maxVisits && /^\d+$/.test(maxVisits) ? Number(maxVisits) : maxVisits,
        title: field(form, 'title'),
      };
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      validateForm(validGround, body, {});
      await services.grounds.register(p, body as GroundCreateBody);
    }),
  );

  // an agency's own lead: confirmed or rejected by the supervisor of the region
  r.post(
    '/dashboard/grounds/:id',
    onDashboard('grounds', async (p, req, form) => {
      const body: Record<string, unknown> = { status: field(form, 'status'), note: field(form, 'note') };
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      validateForm(validGroundUpdate, body, {});
      await services.grounds.review(p, param(req, 'id'), body as GroundUpdateBody);
    }),
  );

  r.use(drawPages(services));
  r.use(violationPages(services));
  r.use(groundPages(services));
  r.use(digestPages(services));

  return r;
}
