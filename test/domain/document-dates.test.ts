import { expect } from 'chai';
import { formatDocumentClock, formatDocumentDate, formatDocumentTime } from '../../src/domain/calendar.js';

// Dates as a document printed for people writes them: in the region's zone, without naming it.

describe('dates on documents', () => {
  it('writes 2026年12月4日 9:00 in Chinese and 4 Dec 2026, 09:00 in English, in the zone given', () => {
    const at = new Date('2026-12-04T01:00:00Z');
    expect(formatDocumentTime(at, 'Asia/Shanghai', 'zh-CN')).to.equal('2026年12月4日 9:00');
    expect(formatDocumentTime(at, 'Asia/Shanghai', 'en')).to.equal('4 Dec 2026, 09:00');
    expect(formatDocumentDate(at, 'Asia/Shanghai', 'zh-CN')).to.equal('2026年12月4日');
    expect(formatDocumentDate(at.getTime(), 'Asia/Shanghai', 'en')).to.equal('4 Dec 2026');
  });

  it('takes the local day, not the UTC one, at midnight and across a change of offset', () => {
    // 16:00 UTC on 31 December is midnight of 1 January in Shanghai
    expect(formatDocumentTime(new Date('2026-12-31T16:00:00Z'), 'Asia/Shanghai', 'zh-CN')).to.equal('2027年1月1日 0:00');
    expect(formatDocumentClock(new Date('2026-12-31T16:00:00Z'), 'Asia/Shanghai', 'en')).to.equal('00:00');
    // Los Angeles: 09:30 in summer (UTC-7) and in winter (UTC-8)
    expect(formatDocumentTime(new Date('2026-07-01T16:30:00Z'), 'America/Los_Angeles', 'en')).to.equal('1 Jul 2026, 09:30');
    expect(formatDocumentTime(new Date('2026-12-01T17:30:00Z'), 'America/Los_Angeles', 'zh-CN')).to.equal('2026年12月1日 9:30');
  });
});
