import { Router, type Response } from 'express';
import { RATINGS, ratingName } from '../../domain/messages.js';
import type { Principal } from '../../domain/principal.js';
import { SatisfactionCreate, type ReportListQueryT, type SatisfactionCreateBody } from '../../domain/schemas.js';
import { VIOLATION_STATUSES, violationKindNames, type ViolationKind } from '../../domain/violation.js';
import { bodyValidator } from '../../http/validation.js';
import type { Services } from '../../services/index.js';
import { conductChoices } from '../conduct.js';
import { need, param, web } from '../context.js';
import { field, formClaim, formErrors, once, validateForm, type Form, type FormErrors } from '../forms.js';
import { page } from '../render.js';
import { name, text } from '../strings.js';
import { reportStatusNames } from '../strings-reports.js';

const validSatisfaction = bodyValidator(SatisfactionCreate);

/**
 * 我的反映: a signed-in enterprise sees its own reports, where each stands, the supervisors' reply,
 * and rates the handling of a closed one on the national five levels.
 */
export function myReportPages(services: Services): Router {
  const r = Router();

  async function listPage(
    res: Response,
    p: Principal,
    q: ReportListQueryT,
    failed: { id: string; errors: FormErrors; values: Form } | null = null,
    status = 200,
  ) {
    const w = web(res);
    const list = await services.reports.list(p, q);
    const conduct = new Map(conductChoices(services).map((c) => [c.id, c.message]));
    page(
      res,
      'my-reports',
      text(w.lang, 'mrTitle'),
      {
        list,
        failed,
        status: q.status ?? '',
        statuses: VIOLATION_STATUSES.map((s) => ({ value: s, label: name(w.lang, reportStatusNames[s]) })),
        // the national order, best first (政务服务“好差评”)
        levels: [...RATINGS].reverse().map((n) => ({ value: n, label: name(w.lang, ratingName(n) ?? undefined) })),
        statusName: (s: string) => name(w.lang, reportStatusNames[s], s),
        levelName: (n: number) => name(w.lang, ratingName(n) ?? undefined, String(n)),
        kindName: (k: string) => violationKindNames[k as ViolationKind]?.[w.lang] ?? k,
        conductName: (id: string) => name(w.lang, conduct.get(id), id),
      },
      { status },
    );
  }

  r.get('/reports', async (req, res) => {
    const p = need(res, ['enterprise']);
    const q = req.query as Record<string, unknown>;
    const statusAsked = typeof q.status === 'string' && (VIOLATION_STATUSES as readonly string[]).includes(q.status) ? q.status : '';
    await listPage(res, p, {
      ...(statusAsked ? { status: statusAsked as ReportListQueryT['status'] } : {}),
      ...(typeof q.cursor === 'string' && q.cursor ? { cursor: q.cursor.slice(0, 200) } : {}),
    });
  });

  r.post('/reports/:id/satisfaction', async (req, res) => {
    const p = need(res, ['enterprise']);
    const w = web(res);
    const id = param(req, 'id');
    const form = req.body as Form;
    try {
      const rating = field(form, 'rating');
      const comment = field(form, 'comment');
      const body: Record<string, unknown> = {
        rating: rating && /^[1-5]$/.test(rating) ? Number(rating) : rating,
        ...(comment ? { comment } : {}),
      };
      validateForm(validSatisfaction, body, {});
      const result = await once(services, formClaim(p, form, body, w.lang, req.id, 201), (claim) =>
        services.reports.rate(p, id, body as SatisfactionCreateBody, claim),
      );
      // sent twice (a double click, a reload): one rating, and the same answer
      const made = 'value' in result ? result.value : (result.replay.body as { satisfaction: { rating: number } | null });
      const level = name(w.lang, ratingName(made.satisfaction?.rating ?? Number(rating)) ?? undefined);
      page(
        res,
        'message',
        text(w.lang, 'mrRateTitle'),
        { heading: text(w.lang, 'mrRateTitle'), message: text(w.lang, 'mrRatedDone', { id, level }), backTo: '/reports' },
        { status: 201 },
      );
    } catch (err) {
      const e = formErrors(err, w.lang, req.id);
      if (!e) throw err;
      // the list again, the refusal shown at the report it is about
      await listPage(res, p, {}, { id, errors: e, values: form }, (err as { status?: number }).status ?? 400);
    }
  });

  return r;
}
