import { Router, type Response } from 'express';
import { formatLocal } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { ReportCreate, type ReportCreateBody } from '../../domain/schemas.js';
import { bodyValidator } from '../../http/validation.js';
import type { Services } from '../../services/index.js';
import { need, web } from '../context.js';
import { field, fields, formClaim, formErrors, formInstant, once, validateForm, type Form, type FormErrors } from '../forms.js';
import { conductChoices } from '../conduct.js';
import { page } from '../render.js';
import { myReportPages } from './my-reports.js';
import { text } from '../strings.js';

const validReport = bodyValidator(ReportCreate);

/**
 * The enterprise reports a visit nobody filed (from the "not a valid filing" page, with the code
 * it was shown) or misconduct (from a filing). A code that is the enterprise's own filing's,
 * cancelled or not, pins the report on that filing and its agency; any other code is kept in
 * the description for the supervisor, and the agency is named by hand.
 */
export function reportPages(services: Services): Router {
  const r = Router();
  const tz = services.ctx.tz;

  async function filingOf(p: Principal, form: Form): Promise<string | null> {
    const filing = field(form, 'filing');
    if (filing) return filing;
    const code = field(form, 'code');
    return code ? services.verification.filingIdFor(p, code) : null;
  }

  async function formPage(res: Response, p: Principal, values: Form, errors: FormErrors | null = null, status = 200) {
    const w = web(res);
    const filingId = await filingOf(p, values);
    let about: string | null = null;
    if (filingId) {
      const { filing } = await services.filings.get(p, filingId);
      about = `${text(w.lang, 'filingNo')} ${filing.filingNo}`;
    } else if (field(values, 'code')) {
      about = `${text(w.lang, 'codeLabel')}: ${field(values, 'code')}`;
    }
    page(
      res,
      'report',
      text(w.lang, 'reportTitle'),
      { values, errors, about, agencyKnown: !!filingId, conduct: conductChoices(services) },
      { status },
    );
  }

  r.get('/report', async (req, res) => {
    const p = need(res, ['enterprise']);
    const q = req.query as Record<string, unknown>;
    const values: Form = {
      code: typeof q.code === 'string' ? q.code.slice(0, 40) : '',
      filing: typeof q.filing === 'string' ? q.filing.slice(0, 64) : '',
      kind: q.kind === 'conduct' ? 'conduct' : 'unfiled_inspection',
      occurredAt: formatLocal(services.ctx.clock.now(), tz).replace(' ', 'T'),
    };
    await formPage(res, p, values);
  });

  r.post('/report', async (req, res) => {
    const p = need(res, ['enterprise']);
    const w = web(res);
    const form = req.body as Form;
    try {
      const filingId = await filingOf(p, form);
      const code = field(form, 'code');
      const own: Record<string, string> = {};
      const occurredAt = formInstant(field(form, 'occurredAt'), tz, own, 'occurredAt', w.lang);
      const description = field(form, 'description');
      const line = field(form, 'hotlineLine');
      const ticket = field(form, 'hotlineTicket');
      const kind = field(form, 'kind');
      const ticked = fields(form, 'conductRuleIds');
      // an unfiled visit is reported as such; what else happened on it is told in its description
      const conductRuleIds = kind === 'conduct' ? ticked : [];
      const alsoNamed =
        kind === 'conduct'
          ? []
          : conductChoices(services)
              .filter((c) => ticked.includes(c.id))
              .map((c) => c.message['zh-CN']);
      const body: Record<string, unknown> = {
        kind,
        occurredAt,
        ...(filingId ? { filingId } : {}),
        ...(!filingId && field(form, 'agencyName') ? { agencyName: field(form, 'agencyName') } : {}),
        ...(conductRuleIds.length ? { conductRuleIds } : {}),
        // a code that is not the enterprise's own filing's is evidence: the supervisor sees it
        ...(description
          ? {
              description: [
                description,
                ...(alsoNamed.length ? [`[${alsoNamed.join('；')}]`] : []),
                ...(!filingId && code ? [`[${text('zh-CN', 'codeLabel')} / code: ${code}]`] : []),
              ].join('\n'),
            }
          : {}),
        ...(line || ticket ? { hotline: { line, ticket } } : {}),
      };
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      validateForm(validReport, body, own);
      const result = await once(services, formClaim(p, form, body, w.lang, req.id, 201), (claim) =>
        services.violations.report(p, body as ReportCreateBody, claim),
      );
      // sent twice (a double click, a reload): one report, and the same answer
      const made = 'value' in result ? result.value : (result.replay.body as { violationId: string });
      page(
        res,
        'message',
        text(w.lang, 'reportTitle'),
        // back to 我的反映, where the report is followed until it is closed and rated
        { heading: text(w.lang, 'reportTitle'), message: text(w.lang, 'reported', { id: made.violationId }), backTo: '/reports' },
        { status: 201 },
      );
    } catch (err) {
      const e = formErrors(err, w.lang, req.id);
      if (!e) throw err;
      await formPage(res, p, form, e, (err as AppError).status);
    }
  });

  r.use(myReportPages(services));
  return r;
}
