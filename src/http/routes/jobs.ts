import { Type } from '@sinclair/typebox';
import { isCalendarDay } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import {
  Digest,
  DigestQuery,
  DigestSummary,
  JobRun,
  JobRunListQuery,
  JobRunRequest,
  Page,
  Scorecard,
  ScorecardQuery,
} from '../../domain/schemas.js';
import { digestHtml, reportFloodsCsv, reportHandlingCsv, scorecardCsv } from '../../notify/digest-render.js';
import { defineRoute, who } from '../route.js';

const day = (raw: string | undefined): string => {
  if (!raw || !isCalendarDay(raw)) {
    throw new AppError('validation_failed', 'validation_failed', {}, [
      { path: '/date', message: { 'zh-CN': '日期，格式为 YYYY-MM-DD，例如 2026-12-01', en: 'a calendar day, YYYY-MM-DD' } },
    ]);
  }
  return raw;
};

export const jobRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/jobs/:name/run',
    summary: 'Run a job now (digest, sweep, draw); a period that already ran is not run again',
    tag: 'Operations',
    auth: ['admin'],
    body: JobRunRequest,
    responses: {
      200: { description: 'the run: its outcome and summary, or the earlier run of the period (alreadyRan)', schema: JobRun },
      400: { description: 'a digest for a day that is not over' },
      404: { description: 'no such job' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.jobs.run(c.params.name ?? '', { date: c.body.date, trigger: 'manual' }) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/jobs',
    summary: 'Job runs, newest first: job, period, outcome, duration',
    tag: 'Operations',
    auth: ['admin'],
    query: JobRunListQuery,
    responses: { 200: { description: 'a page of runs', schema: Page(JobRun) } },
    handler: async (c) => ({ status: 200, body: await c.services.jobs.list(c.query) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/digests',
    summary: 'The stored daily digests of your scope (a supervisor key: its regions), newest first',
    tag: 'Supervision',
    auth: ['admin', 'supervisor'],
    responses: { 200: { description: 'digests', schema: Type.Object({ items: Type.Array(DigestSummary) }) } },
    handler: async (c) => ({ status: 200, body: { items: await c.services.digests.list(who(c)) } }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/digests/:date',
    summary:
      'The digest of a day for your scope: JSON, or ?format=html (as mailed) or csv ' +
      '(the scorecard; &table=report-floods: the enterprises flooding reports)',
    tag: 'Supervision',
    auth: ['admin', 'supervisor'],
    query: DigestQuery,
    responses: {
      200: { description: 'the digest', schema: Digest, alternatives: ['text/html', 'text/csv'] },
      400: { description: 'not a day, or a day not over yet' },
    },
    handler: async (c) => {
      const d = await c.services.digests.get(who(c), day(c.params.date));
      if (c.query.format === 'html') return { status: 200, body: digestHtml([d]), contentType: 'text/html; charset=utf-8' };
      if (c.query.format === 'csv') {
        const csv =
          c.query.table === 'report-floods'
            ? reportFloodsCsv(d.reportFloods ?? [])
            : c.query.table === 'report-handling'
              ? reportHandlingCsv(d.reportHandling)
              : scorecardCsv(d.scorecard);
        return { status: 200, body: csv, contentType: 'text/csv; charset=utf-8' };
      }
      return { status: 200, body: d };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/scorecards',
    summary: 'Agency scorecard for any period in your scope, ranked; vetoed (一票否决) agencies last',
    tag: 'Supervision',
    auth: ['admin', 'supervisor'],
    query: ScorecardQuery,
    responses: { 200: { description: 'the scorecard (or ?format=csv)', schema: Scorecard, alternatives: ['text/csv'] } },
    handler: async (c) => {
      const card = await c.services.digests.scorecard(who(c), c.query.from, c.query.to);
      if (c.query.format === 'csv') return { status: 200, body: scorecardCsv(card.agencies), contentType: 'text/csv; charset=utf-8' };
      return { status: 200, body: card };
    },
  }),
];
