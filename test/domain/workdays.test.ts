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
