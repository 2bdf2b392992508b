import { expect } from 'chai';
import { createWorkdayCalendar } from '../../src/domain/workdays.js';

describe('working days (PRC)', () => {
  it('knows the statutory holidays and the weekend days worked in lieu', () => {
    const cal = createWorkdayCalendar(() => expect.fail('2025 is published'));
    expect(cal.isWorkday('2025-10-01')).to.equal(false); // National Day
    expect(cal.isWorkday('2025-10-08')).to.equal(false); // still the National Day break
    expect(cal.isWorkday('2025-09-28')).to.equal(true); // a Sunday worked in lieu
    expect(cal.isWorkday('2025-10-09')).to.equal(true);
    expect(cal.isWorkday('2025-10-11')).to.equal(true); // a Saturday worked in lieu
  });

  it('counts working days across a holiday', () => {
    const cal = createWorkdayCalendar(() => undefined);
    // 5 working days after Tuesday 30 September 2025: the break runs 1-8 October
    expect(cal.addWorkdays('2025-09-30', 5)).to.equal('2025-10-14');
    expect(cal.addWorkdays('2025-10-04', 0)).to.equal('2025-10-09');
  });

  it('gives the same days whatever the time zone of the process (Los Angeles, Kiritimati)', () => {
    const zone = process.env.TZ;
    const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2025, 8, 15) + i * 86_400_000).toISOString().slice(0, 10));
    const inShanghai = (() => {
      process.env.TZ = 'Asia/Shanghai';
      const cal = createWorkdayCalendar(() => undefined);
      return days.map((d) => cal.isWorkday(d));
    })();
    try {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = tz;
        const cal = createWorkdayCalendar(() => undefined);
        expect(
          days.map((d) => cal.isWorkday(d)),
          tz,
        ).to.deep.equal(inShanghai);
        expect(cal.addWorkdays('2025-09-30', 5), tz).to.equal('2025-10-14');
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    // the weekend days worked in lieu are among them
    expect(inShanghai[days.indexOf('2025-09-28')]).to.equal(true);
    expect(inShanghai[days.indexOf('2025-10-04')]).to.equal(false);
  });

  it('falls back to Monday-Friday for a year not yet published, and says so once', () => {
    const year = [2030, 2031, 2032].find((y) => !createWorkdayCalendar(() => undefined).covers(y))!;
    const reported: number[] = [];
    const cal = createWorkdayCalendar((y) => reported.push(y));
    const jan = `${year}-01-`;
    const days = Array.from({ length: 14 }, (_, i) => `${jan}${String(i + 1).padStart(2, '0')}`);
    const workdays = days.filter((d) => cal.isWorkday(d));
    expect(workdays).to.have.length(10);
    expect(workdays.every((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))).to.equal(true);
    expect(reported).to.deep.equal([year]);
  });
});
