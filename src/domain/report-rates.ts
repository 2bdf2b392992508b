import type { ReportRatesView } from './schemas.js';
import { addDays, dayBounds, localDate } from './calendar.js';
import type { WorkdayCalendar } from './workdays.js';

// How the county measures the handling of enterprises' reports, the way it already does for its
// 12345/8890 hotline tickets, over the reports received in a period (the cohort), as they stand
// when the numbers are made:
//
//   反馈率 feedback rate   = 已反馈 / 应反馈
//     应反馈 due:   reports received in the period whose answer is due by now (the deadline below
//                  has passed), or that were answered already, whenever
//     已反馈 fed back: of those, the ones answered (a first status change by a supervisor, which
//                  always carries a note: the reply the enterprise sees) by the deadline
//     deadline:    the end of the REPORT_FEEDBACK_WORKDAYS-th working day (PRC calendar, TZ_REGION)
//                  after the day the report came in; a report still within it and unanswered is
//                  neither due nor late
//   办结率 completion rate = 已办结 / 收到 (the hotline's 受理量)
//     收到 received: reports received in the period (not 已受理, the acknowledged status)
//     已办结 closed:  of those, the ones resolved (founded) or dismissed (not founded)
//   满意率 satisfaction rate = (满意 + 非常满意) / 已评价
//     已评价 rated:   of the reports received in the period, those the enterprise rated
//     满意 satisfied: rated 4 (满意) or 5 (非常满意)
//
// A rate whose denominator is zero has no value (null), never 0 or NaN.

/** Working days a report may wait for its first answer after the day it came in. */
export const REPORT_FEEDBACK_WORKDAYS = 2;

/** A rating of 4 or 5 of the national five levels (满意, 非常满意) counts as satisfied. */
export const SATISFIED_FROM = 4;

/** One report, as the rates read it. */
export interface ReportFacts {
  raisedAt: Date;
  /** the first status change (acknowledged, resolved or dismissed) */
  answeredAt: Date | null;
  /** when it was resolved or dismissed */
  closedAt: Date | null;
  rating: number | null;
}

/** The rates' shape is the API's (ReportRatesSchema): one description, in the schema. */
export type ReportRates = ReportRatesView;

const share = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : null);

/** The instant a report's first answer is due: the end of the second working day after the day it came in. */
export function feedbackDeadline(raisedAt: Date, tz: string, workdays: WorkdayCalendar): Date {
  const day = localDate(raisedAt, tz);
  // addWorkdays(d, 0) is the first working day on or after d: the next day's, then one more
  const due = workdays.addWorkdays(addDays(day, 1), REPORT_FEEDBACK_WORKDAYS - 1);
  return new Date(dayBounds(due, tz)[1]);
}

export function reportRates(reports: readonly ReportFacts[], asOf: Date, tz: string, workdays: WorkdayCalendar): ReportRates {
  let dueFeedback = 0;
  let fedBack = 0;
  let closed = 0;
  let rated = 0;
  let satisfied = 0;
  for (const r of reports) {
    const deadline = feedbackDeadline(r.raisedAt, tz, workdays);
    if (r.answeredAt || deadline <= asOf) dueFeedback++;
    if (r.answeredAt && r.answeredAt < deadline) fedBack++;
    if (r.closedAt) closed++;
    if (r.rating !== null) {
      rated++;
      if (r.rating >= SATISFIED_FROM) satisfied++;
    }
  }
  return {
    received: reports.length,
    dueFeedback,
    fedBack,
    closed,
    rated,
    satisfied,
    feedbackRate: share(fedBack, dueFeedback),
    completionRate: share(closed, reports.length),
    satisfactionRate: share(satisfied, rated),
  };
}
