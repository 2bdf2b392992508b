import { expect } from 'chai';
import { feedbackDeadline, reportRates, type ReportFacts } from '../../src/domain/report-rates.js';
import { createWorkdayCalendar } from '../../src/domain/workdays.js';

// The county's rates for the handling of reports, as its 12345/8890 lines count them.
const TZ = 'Asia/Shanghai';
const cal = createWorkdayCalendar(() => undefined);
const at = (s: string) => new Date(s);

describe('反馈率, 办结率, 满意率 (domain/report-rates)', () => {
  it('when a report comes in, then its first answer is due by the end of the second working day after that day (PRC calendar)', () => {
    // Monday: by the end of Wednesday
    expect(feedbackDeadline(at('2026-08-03T10:00:00+08:00'), TZ, cal).toISOString()).to.equal('2026-08-05T16:00:00.000Z');
    // Friday evening: by the end of Tuesday
    expect(feedbackDeadline(at('2026-08-07T23:30:00+08:00'), TZ, cal).toISOString()).to.equal('2026-08-11T16:00:00.000Z');
    // the day before National Day: the break (1-8 October 2026) does not count; 9 October is the second working day
    expect(feedbackDeadline(at('2026-09-30T09:00:00+08:00'), TZ, cal).toISOString()).to.equal('2026-10-09T16:00:00.000Z');
    // Friday 9 October: Saturday 10 October is worked in lieu, so Monday 12 October is the second
    expect(feedbackDeadline(at('2026-10-09T09:00:00+08:00'), TZ, cal).toISOString()).to.equal('2026-10-12T16:00:00.000Z');
  });

  it('when reports were answered in time, late, never, or not yet due, then each counts where the county counts it', () => {
    const monday = at('2026-08-03T10:00:00+08:00');
    const reports: ReportFacts[] = [
      { raisedAt: monday, answeredAt: at('2026-08-05T23:59:00+08:00'), closedAt: at('2026-08-06T10:00:00+08:00'), rating: 5 },
      { raisedAt: monday, answeredAt: at('2026-08-06T00:00:00+08:00'), closedAt: at('2026-08-06T00:00:00+08:00'), rating: 3 },
      { raisedAt: monday, answeredAt: null, closedAt: null, rating: null },
      { raisedAt: at('2026-08-06T10:00:00+08:00'), answeredAt: null, closedAt: null, rating: null },
    ];
    expect(reportRates(reports, at('2026-08-07T12:00:00+08:00'), TZ, cal)).to.deep.equal({
      received: 4,
      dueFeedback: 3,
      fedBack: 1,
      closed: 2,
      rated: 2,
      satisfied: 1,
      feedbackRate: 0.333,
      completionRate: 0.5,
      satisfactionRate: 0.5,
    });
  });

  it('when nothing was due, received or rated, then the rate has no value: null, never 0 or NaN', () => {
    expect(reportRates([], at('2026-08-07T12:00:00+08:00'), TZ, cal)).to.deep.equal({
      received: 0,
      dueFeedback: 0,
      fedBack: 0,
      closed: 0,
      rated: 0,
      satisfied: 0,
      feedbackRate: null,
      completionRate: null,
      satisfactionRate: null,
    });
    const fresh = [{ raisedAt: at('2026-08-07T09:00:00+08:00'), answeredAt: null, closedAt: null, rating: null }];
    expect(reportRates(fresh, at('2026-08-07T12:00:00+08:00'), TZ, cal)).to.deep.include({
      dueFeedback: 0,
      feedbackRate: null,
      completionRate: 0,
      satisfactionRate: null,
    });
  });
});
