import { Page, ReportFollowUp, ReportListQuery, SatisfactionCreate } from '../../domain/schemas.js';
import { defineRoute, who } from '../route.js';

// The enterprise follows its own reports (我的反映): where each stands, the supervisor's reply,
// and its rating of how each was handled. Sending a report is POST /api/v1/reports (supervision.ts).
const enterprise = 'Enterprise';

export const reportRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/reports',
    summary:
      "Your enterprise's own reports, newest first: status, the supervisor's reply (the note of the latest status change), " +
      'when it was acknowledged and closed, and your rating of its handling',
    tag: enterprise,
    auth: ['enterprise'],
    query: ReportListQuery,
    responses: { 200: { description: 'a page of your reports', schema: Page(ReportFollowUp) } },
    handler: async (c) => ({ status: 200, body: await c.services.reports.list(who(c), c.query) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/reports/:id/satisfaction',
    summary: 'Rate how your report was handled (满意度, 1 非常不满意 … 5 非常满意), once, after it was closed (resolved or dismissed)',
    tag: enterprise,
    auth: ['enterprise'],
    body: SatisfactionCreate,
    example: { rating: 4, comment: '处理及时，答复清楚' },
    creates: true,
    responses: {
      201: { description: 'the report with your rating', schema: ReportFollowUp },
      404: { description: 'no such report sent by your enterprise' },
      409: { description: 'not closed yet (open or acknowledged), or rated already' },
    },
    handler: async (c) => ({
      status: 201,
      body: await c.services.reports.rate(who(c), c.params.id ?? '', c.body, c.idempotency),
    }),
  }),
];
