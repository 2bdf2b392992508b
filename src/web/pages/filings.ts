import { Router, type Response } from 'express';
import { formatDocumentClock, formatDocumentDate, formatDocumentTime, formatLocal, localDate } from '../../domain/calendar.js';
import { AppError, errorBody } from '../../domain/errors.js';
import { FILING_TYPES, OUTCOMES, PURPOSES, TRIGGER_KINDS, triggerLabels } from '../../domain/filing.js';
import type { Lang } from '../../domain/i18n.js';
import { ratingNames, statusNames, typeNames } from '../../domain/messages.js';
import type { Principal } from '../../domain/principal.js';
import {
  CancelCreate,
  EnterpriseListQuery,
  FilingCreate,
  JointAccept,
  JointDecline,
  ResultCreate,
  type FilingCreateBody,
} from '../../domain/schemas.js';
import type { Decision } from '../../domain/decision.js';
import { bodyValidator, queryValidator } from '../../http/validation.js';
import type { Services } from '../../services/index.js';
import { need, param, web } from '../context.js';
import {
  answered,
  checked,
  field,
  fields,
  formClaim,
  formErrors,
  formInstant,
  once,
  validateForm,
  type Form,
  type FormErrors,
} from '../forms.js';
import { conductChoices } from '../conduct.js';
import { page, partial } from '../render.js';
import { outcomeNames, purposeNames, text } from '../strings.js';

const validFiling = bodyValidator(FilingCreate);
const USCC_FIELD = { uscc_invalid: 'enterpriseUscc' };
const validResult = bodyValidator(ResultCreate);
const validCancel = bodyValidator(CancelCreate);
const validJointAccept = bodyValidator(JointAccept);
const validJointDecline = bodyValidator(JointDecline);
const validSearch = queryValidator(EnterpriseListQuery);
/** How many enterprises the form's search offers at once: a list to pick from, not to read. */
const SEARCH_LIMIT = 10;

/** The filing form as the API's request body; fields left empty stay out of it. */
function filingFromForm(form: Form, tz: string, lang: Lang): { body: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  // a registered ground picked from the list: "kind|reference" (a campaign, or a case's trigger)
  const picked = field(form, 'ground');
  const [groundKind, ...rest] = picked ? picked.split('|') : [];
  const groundRef = rest.join('|');
  const triggerKind = groundKind && groundKind !== 'campaign' ? groundKind : field(form, 'triggerKind');
  const campaign = groundKind === 'campaign' ? groundRef : field(form, 'campaignReference');
  const body: Record<string, unknown> = {
    enterpriseUscc: field(form, 'enterpriseUscc'),
    type: field(form, 'type'),
    itemCodes: fields(form, 'itemCodes'),
    inspectorIds: fields(form, 'inspectorIds'),
    plannedStart: formInstant(field(form, 'plannedStart'), tz, errors, 'plannedStart', lang),
    plannedEnd: formInstant(field(form, 'plannedEnd'), tz, errors, 'plannedEnd', lang),
    onSite: checked(form, 'onSite'),
    reason: field(form, 'reason'),
    onSiteJustification: field(form, 'onSiteJustification'),
    purpose: field(form, 'purpose'),
    requiresLegalRepresentative: checked(form, 'requiresLegalRepresentative') || undefined,
    legalRepresentativeReason: field(form, 'legalRepresentativeReason'),
    trigger: triggerKind
      ? { kind: triggerKind, reference: groundKind && groundKind !== 'campaign' ? groundRef : (field(form, 'triggerReference') ?? '') }
      : undefined,
    campaign: campaign ? { level: 'higher', reference: campaign } : undefined,
    drawAssignmentId: field(form, 'drawAssignmentId'),
    jointAgencyIds: fields(form, 'jointAgencyIds').length ? fields(form, 'jointAgencyIds') : undefined,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return { body, errors };
}

/** The decision in one line (outcome and count), for the bar that follows the user down a phone's screen. */
function decisionSummary(decision: Decision | null, errors: FormErrors | null, lang: Lang) {
  const count = (severity: string) => decision?.findings.filter((f) => f.severity === severity).length ?? 0;
  const outcome = decision?.outcome ?? (errors ? 'invalid' : 'none');
  const bar =
    outcome === 'allow'
      ? text(lang, 'formBarAllow')
      : outcome === 'warn'
        ? text(lang, 'formBarWarn', { n: count('warn') })
        : outcome === 'block'
          ? text(lang, 'formBarBlock', { n: count('block') })
          : text(lang, outcome === 'invalid' ? 'formBarInvalid' : 'formBarNone');
  return { outcome, bar };
}

const decisionOf = (err: unknown): Decision | null =>
  err instanceof AppError && err.extra.decision ? (err.extra.decision as Decision) : null;

/** Filings for agencies (form, list, result, cancel, notice) and enterprises (list, page, rating). */
export function filingPages(services: Services): Router {
  const r = Router();
  const tz = services.ctx.tz;

  const choices = (lang: Lang) => ({
    types: FILING_TYPES.map((v) => ({ value: v, label: typeNames[v][lang] })),
    purposes: PURPOSES.map((v) => ({ value: v, label: purposeNames[v]?.[lang] ?? v })),
    triggers: TRIGGER_KINDS.map((v) => ({ value: v, label: triggerLabels[v][lang] })),
    outcomes: OUTCOMES.map((v) => ({ value: v, label: outcomeNames[v]?.[lang] ?? v })),
  });

  async function formPage(
    res: Response,
    p: Principal,
    values: Form,
    extra: { errors?: FormErrors | null; decision?: Decision | null; status?: number; confirmBlocked?: boolean } = {},
  ) {
    const w = web(res);
    // the chosen enterprise's name, shown back beside its code (the form works without a script)
    const typed = (field(values, 'enterpriseUscc') ?? '').toUpperCase();
    const enterpriseName = typed.length === 18 ? ((await services.registry.enterpriseNames([typed])).get(typed) ?? null) : null;
    // the certified pools: officers whose credential is still valid today, of this agency and of
    // each joint agency ticked (a joint visit needs officers of every agency on it)
    const valid = localDate(services.ctx.clock.now(), tz);
    const pool = async (id: string) => {
      const a = await services.registry.getAgency(p, id);
      return { ...a, inspectors: a.inspectors.filter((i) => i.validUntil >= valid) };
    };
    const agency = await pool(p.agencyId ?? '');
    const others = (await services.registry.listAgencies(p, { limit: 500 })).items
      .filter((a) => a.id !== agency.id && a.active)
      .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name, 'zh-CN'));
    const picked = fields(values, 'jointAgencyIds').filter((id) => others.some((a) => a.id === id));
    const jointPools = await Promise.all(picked.map(pool));
    const assignments = await services.draws.openAssignments(agency.id, services.ctx.clock.now());
    // the registered grounds this agency may cite: a case's ticket or lead, a higher campaign
    const grounds = (await services.grounds.list(p, { limit: 200 })).items
      .filter((g) => g.status !== 'rejected' && g.validTo >= valid)
      .map((g) => ({
        value: `${g.kind}|${g.reference}`,
        label: [
          g.kind === 'campaign' ? text(web(res).lang, 'groundCampaign') : triggerLabels[g.kind][web(res).lang],
          g.reference,
          g.enterpriseUscc ?? '',
          `${text(web(res).lang, 'validUntil')} ${g.validTo}`,
          g.status === 'unverified' ? text(web(res).lang, 'groundUnverified') : '',
        ]
          .filter(Boolean)
          .join(' · '),
      }));
    page(
      res,
      'filing-new',
      text(w.lang, 'newFilingTitle'),
      {
        agency,
        others,
        jointPools,
        assignments,
        grounds,
        values,
        errors: extra.errors ?? null,
        decision: extra.decision ?? null,
        enterpriseName,
        enterpriseTyped: typed.length === 18,
        // the panel shows the errors of a form that was checked; a refused one shows them above
        summary: decisionSummary(extra.decision ?? null, extra.decision ? (extra.errors ?? null) : null, w.lang),
        confirmBlocked: extra.confirmBlocked ?? false,
        ...choices(w.lang),
      },
      { status: extra.status ?? 200, script: 'filing-form.js' },
    );
  }

  r.get('/filings', async (req, res) => {
    const p = need(res, ['agency', 'enterprise', 'supervisor', 'admin']);
    const w = web(res);
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    const list = await services.filings.list(p, { limit: 50, ...(cursor ? { cursor } : {}) });
    const names = await services.registry.enterpriseNames(list.items.map((f) => f.enterpriseUscc));
    page(res, 'filings', text(w.lang, 'myFilings'), {
      list,
      enterpriseName: (uscc: string) => names.get(uscc) ?? '',
      statusName: (s: keyof typeof statusNames) => statusNames[s][w.lang],
      typeName: (t: keyof typeof typeNames) => typeNames[t][w.lang],
    });
  });

  // the form's enterprise search (its script asks as the agency types): the API's search, with
  // the page's session, a short list, and the API's limits on what may be asked
  r.get('/filings/enterprises', async (req, res) => {
    const p = need(res, ['agency']);
    const w = web(res);
    const raw = req.query.q;
    const q = typeof raw === 'string' ? raw.trim() : raw;
    try {
      if (q === '' || q === undefined) return res.json({ items: [], more: false });
      const query = { q, limit: SEARCH_LIMIT };
      validSearch(query);
      const found = await services.registry.listEnterprises(p, query as { q: string; limit: number });
      res.json({ items: found.items.map((e) => ({ uscc: e.uscc, name: e.name })), more: found.nextCursor !== null });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      res.status(err.status).json(errorBody(err, w.lang, req.id));
    }
  });

  r.get('/filings/new', async (req, res) => {
    const p = need(res, ['agency']);
    const values: Form = { type: 'routine', onSite: 'on', purpose: 'inspection' };
    // a drawn visit (双随机) to file: its enterprise, officers and type come from the draw
    const id = typeof req.query.assignment === 'string' ? req.query.assignment : '';
    const a = id ? (await services.draws.openAssignments(p.agencyId ?? '', services.ctx.clock.now())).find((x) => x.id === id) : undefined;
    if (a)
      Object.assign(values, { type: 'random', drawAssignmentId: a.id, enterpriseUscc: a.enterpriseUscc, inspectorIds: a.inspectorIds });
    await formPage(res, p, values);
  });

  // a new filing: "check" shows the rules' decision and records nothing; "file" files
  r.post('/filings/new', async (req, res) => {
    const p = need(res, ['agency']);
    const w = web(res);
    const form = req.body as Form;
    const { body, errors } = filingFromForm(form, tz, w.lang);
    try {
      validateForm(validFiling, body, errors);
      const action = field(form, 'action');
      if (action !== 'file' && action !== 'file-blocked') {
        return await formPage(res, p, form, { decision: await services.filings.check(p, body as FilingCreateBody) });
      }
      // what the rules block is filed only when asked twice: the attempt goes on the agency's
      // record, so the form says so first (the script asks in place; without it, this page does)
      const claim = formClaim(p, form, body, w.lang, req.id, 201);
      if (action === 'file' && !(await answered(services, claim))) {
        const decision = await services.filings.check(p, body as FilingCreateBody);
        if (decision.outcome === 'block') return await formPage(res, p, form, { decision, confirmBlocked: true });
      }
      const result = await once(services, claim, (c) => services.filings.file(p, body as FilingCreateBody, c));
      if ('value' in result) return res.redirect(303, `/filings/${result.value.filing.id}?done=filed`);
      // the same form sent again: the first submission's answer
      const first = result.replay.body as { filing?: { id: string }; error?: { message: string }; decision?: Decision };
      if (first.filing) return res.redirect(303, `/filings/${first.filing.id}?done=filed`);
      await formPage(res, p, form, {
        errors: { message: first.error?.message ?? '', fields: {} },
        decision: first.decision ?? null,
        status: result.replay.status,
      });
    } catch (err) {
      const e = formErrors(err, w.lang, req.id, USCC_FIELD);
      if (!e) throw err;
      await formPage(res, p, form, { errors: e, decision: decisionOf(err), status: (err as AppError).status });
    }
  });

  // the form's script asks here as the agency types (the API's dry run, with the page's session)
  r.post('/filings/check', async (req, res) => {
    const p = need(res, ['agency']);
    const w = web(res);
    const { body, errors } = filingFromForm(req.body as Form, tz, w.lang);
    try {
      validateForm(validFiling, body, errors);
      const decision = await services.filings.check(p, body as FilingCreateBody);
      partial(res, 'decision-live', { decision, errors: null, summary: decisionSummary(decision, null, w.lang) });
    } catch (err) {
      const e = formErrors(err, w.lang, req.id, USCC_FIELD);
      if (!e) throw err;
      partial(res, 'decision-live', { decision: null, errors: e, summary: decisionSummary(null, e, w.lang) });
    }
  });

  async function filingPage(
    res: Response,
    p: Principal,
    id: string,
    extra: { errors?: FormErrors | null; values?: Form; status?: number; done?: string; confirmCancel?: boolean } = {},
  ) {
    const w = web(res);
    const { filing, decision } = await services.filings.get(p, id);
    // what the last form did, said with what it made (the number to write down, the code to show)
    const flashes: Record<string, string> = {
      filed: text(w.lang, 'formDoneFiled', { no: filing.filingNo, code: filing.verifyCode }),
      result: text(w.lang, 'formDoneResult'),
      cancelled: text(w.lang, 'formDoneCancelled', { no: filing.filingNo }),
      'joint-accepted': text(w.lang, 'formDoneJointAccepted'),
      'joint-declined': text(w.lang, 'formDoneJointDeclined'),
      rated: text(w.lang, 'rated'),
      saved: text(w.lang, 'done'),
    };
    const v = await services.verification.verify(filing.verifyCode);
    const rating = p.role === 'enterprise' && filing.status === 'completed' ? await services.violations.ratingOf(p, filing.id) : null;
    const now = services.ctx.clock.now().getTime();
    // the joint agencies' names, in one query
    const jointNames = await services.registry.agencyNames((filing.jointAgencies ?? []).map((j) => j.agencyId));
    page(
      res,
      'filing',
      `${text(w.lang, 'filingNo')} ${filing.filingNo}`,
      {
        filing,
        decision,
        v: v.filing,
        rating,
        ratingNames,
        conduct: conductChoices(services),
        canRecord: p.role === 'agency' && p.agencyId === filing.agencyId && (filing.status === 'filed' || filing.status === 'in_progress'),
        // a result is of a visit that can have taken place: from the planned start (an emergency
        // is filed after it began, so at once)
        started: now >= Date.parse(filing.plannedStart),
        confirmCancel: extra.confirmCancel ?? false,
        canCancel:
          p.role === 'agency' && p.agencyId === filing.agencyId && filing.status === 'filed' && now < Date.parse(filing.plannedStart),
        // a joint agency named on the filing answers for itself, once
        canAnswerJoint:
          p.role === 'agency' &&
          (filing.status === 'filed' || filing.status === 'in_progress') &&
          (filing.jointAgencies ?? []).some((j) => j.agencyId === p.agencyId && j.status === 'pending'),
        jointStates: (filing.jointAgencies ?? []).map((j) => ({
          ...j,
          name: jointNames.get(j.agencyId) ?? j.agencyId,
          label: text(w.lang, j.status === 'accepted' ? 'jointAccepted' : j.status === 'declined' ? 'jointDeclined' : 'jointPending'),
        })),
        arrivals: (filing.arrivals ?? []).map((a) => ({
          ...a,
          byLabel: text(w.lang, a.by === 'enterprise' ? 'arrivalByEnterprise' : 'arrivalByAgency'),
        })),
        statusName: statusNames[filing.status][w.lang],
        typeName: typeNames[filing.type][w.lang],
        outcomeName: filing.result ? (outcomeNames[filing.result.outcome]?.[w.lang] ?? filing.result.outcome) : '',
        ...choices(w.lang),
        errors: extra.errors ?? null,
        values: extra.values ?? { conductedAt: formatLocal(services.ctx.clock.now(), tz).replace(' ', 'T') },
        flash: (extra.done && flashes[extra.done]) ?? null,
      },
      { status: extra.status ?? 200, script: 'filing-page.js' },
    );
  }

  r.get('/filings/:id', async (req, res) => {
    const p = need(res, ['agency', 'enterprise', 'supervisor', 'admin']);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    await filingPage(res, p, param(req, 'id'), { done });
  });

  /**
   * A form post on a filing page: done, to the page saying what was done; a step to confirm
   * first, the page asking; on a refusal the user can fix, the page again with the errors.
   */
  const onFiling =
    (roles: Principal['role'][], act: (p: Principal, id: string, form: Form, lang: Lang) => Promise<string | { confirmCancel: true }>) =>
    async (req: Parameters<Parameters<typeof r.post>[1]>[0], res: Response) => {
      const p = need(res, roles);
      const w = web(res);
      const id = param(req, 'id');
      const form = req.body as Form;
      try {
        const done = await act(p, id, form, w.lang);
        if (typeof done !== 'string') return await filingPage(res, p, id, { values: form, ...done });
        res.redirect(303, `/filings/${encodeURIComponent(id)}?done=${done}`);
      } catch (err) {
        const e = formErrors(err, w.lang, req.id);
        if (!e || (err as AppError).code === 'not_found') throw err;
        await filingPage(res, p, id, { errors: e, values: form, status: (err as AppError).status });
      }
    };

  r.post(
    '/filings/:id/result',
    onFiling(['agency'], async (p, id, form, lang) => {
      const own: Record<string, string> = {};
      const body: Record<string, unknown> = {
        conductedAt: formInstant(field(form, 'conductedAt'), tz, own, 'conductedAt', lang),
        outcome: field(form, 'outcome'),
        summary: field(form, 'summary'),
      };
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      validateForm(validResult, body, own);
      await services.filings.recordResult(p, id, body as { conductedAt: string; outcome: (typeof OUTCOMES)[number]; summary: string });
      return 'result';
    }),
  );

  r.post(
    '/filings/:id/joint',
    onFiling(['agency'], async (p, id, form) => {
      const accept = field(form, 'answer') === 'accept';
      const reason = field(form, 'reason');
      if (!accept && !reason)
        throw new AppError('validation_failed', 'validation_failed', {}, [{ path: '/reason', key: 'required_to_decline' }]);
      const body = reason ? { reason } : {};
      // the API's own checks (length, visible text), so that the page and the API refuse alike
      validateForm(accept ? validJointAccept : validJointDecline, body, {});
      await services.filings.respondJoint(p, id, accept ? 'accepted' : 'declined', body);
      return accept ? 'joint-accepted' : 'joint-declined';
    }),
  );

  r.post(
    '/filings/:id/cancel',
    onFiling(['agency'], async (p, id, form) => {
      const body: Record<string, unknown> = { reason: field(form, 'reason') };
      if (body.reason === undefined) delete body.reason;
      validateForm(validCancel, body, {});
      // a cancelled code stops verifying at once: asked twice (in place by the script; without
      // it, by the page), and the reason is checked before the question
      if (field(form, 'confirm') !== 'yes') return { confirmCancel: true };
      await services.filings.cancel(p, id, body as { reason: string });
      return 'cancelled';
    }),
  );

  r.post(
    '/filings/:id/rate',
    onFiling(['enterprise'], async (p, id, form) => {
      const given = field(form, 'rating') ?? '';
      const rating = /^[1-5]$/.test(given) ? Number(given) : NaN;
      const comment = field(form, 'comment');
      const conductRuleIds = fields(form, 'conductRuleIds');
      if (!Number.isInteger(rating) || rating < 1 || rating > 5)
        throw new AppError('validation_failed', 'validation_failed', {}, [
          { path: '/rating', message: { 'zh-CN': '请选择一个满意度', en: 'choose one of the five levels' } },
        ]);
      await services.violations.rate(p, id, {
        rating,
        ...(comment ? { comment } : {}),
        ...(conductRuleIds.length ? { conductRuleIds } : {}),
      });
      return 'rated';
    }),
  );

  // 检查告知书: printed by the agency and handed over (one A4 page), or shown by the enterprise
  r.get('/filings/:id/notice', async (req, res) => {
    const p = need(res, ['agency', 'enterprise', 'supervisor', 'admin']);
    const w = web(res);
    const notice = await services.notices.contents(p, param(req, 'id'));
    const { filing } = notice;
    // paper is read where it is handed over: local time, no zone named, as people write dates
    const doc = (at: string | null | undefined) => (at ? formatDocumentTime(new Date(at), tz, w.lang) : '');
    const [start, end] = [new Date(filing.plannedStart), new Date(filing.plannedEnd)];
    const sameDay = localDate(start, tz) === localDate(end, tz);
    const until = sameDay ? formatDocumentClock(end, tz, w.lang) : doc(filing.plannedEnd);
    page(
      res,
      'notice',
      text(w.lang, 'noticeTitle'),
      {
        filing,
        v: notice,
        typeName: typeNames[filing.type][w.lang],
        triggerName: filing.trigger ? triggerLabels[filing.trigger.kind][w.lang] : '',
        verifyUrl: filing.verifyUrl,
        doc,
        window: `${doc(filing.plannedStart)} ${text(w.lang, 'ntcWindowTo')} ${until}`,
        issued: formatDocumentDate(new Date(filing.filedAt), tz, w.lang),
        // a QR code to this machine is useless on paper: the page (and the print) says so
        publicUrlWarning: services.ctx.publicUrlUnreachable ? services.ctx.publicUrl : null,
      },
      { script: 'print.js' },
    );
  });

  return r;
}
