import { expect } from 'chai';
import { formatFilingNo, maskCredential, newId, newVerifyCode, VERIFY_ALPHABET, VERIFY_CODE_LENGTH } from '../../src/domain/codes.js';
import { nextStatus } from '../../src/domain/filing.js';
import { AppError } from '../../src/domain/errors.js';

describe('codes', () => {
  it('verification codes carry at least 64 bits in an alphabet without 0/O or 1/I', () => {
    expect(VERIFY_CODE_LENGTH * Math.log2(VERIFY_ALPHABET.length)).to.be.at.least(64);
    for (const ch of '01IO') expect(VERIFY_ALPHABET).not.to.include(ch);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const c = newVerifyCode();
      expect(c).to.match(new RegExp(`^[${VERIFY_ALPHABET}]{${VERIFY_CODE_LENGTH}}$`));
      seen.add(c);
    }
    expect(seen.size).to.equal(20_000);
  });

  it('every symbol of the alphabet occurs (no bias towards a subset)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const ch of newVerifyCode()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).to.equal(32);
    // 28,000 symbols over 32: each near 875; a biased generator falls far outside this band
    for (const n of counts.values()) expect(n).to.be.within(700, 1050);
  });

  it('ids and codes drawn in turns from the random pool never repeat, across its refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = newId('f');
      expect(id).to.match(/^f_[A-Za-z0-9_-]{16}$/);
      seen.add(id);
      seen.add(newVerifyCode());
    }
    expect(seen.size).to.equal(10_000);
  });

  it('filing numbers read region-year-number', () => {
    expect(formatFilingNo('211221', 2026, 42)).to.equal('211221-2026-0000042');
  });

  it('credential numbers keep only their ends', () => {
    expect(maskCredential('LN2112210012345')).to.equal('LN2*********345'.replace('LN2*********345', 'LN2' + '*'.repeat(9) + '345'));
    expect(maskCredential('AB1234')).to.equal('AB**34');
    expect(maskCredential('ABC')).to.equal('***');
  });
});

describe('filing lifecycle', () => {
  it('allows filed -> in_progress -> completed and filed -> cancelled', () => {
    expect(nextStatus('filed', 'arrive')).to.equal('in_progress');
    expect(nextStatus('in_progress', 'record_result')).to.equal('completed');
    expect(nextStatus('filed', 'record_result')).to.equal('completed');
    expect(nextStatus('filed', 'cancel')).to.equal('cancelled');
  });
  it('refuses to cancel a visit that has begun, or to change a finished filing', () => {
    for (const [from, action] of [
      ['in_progress', 'cancel'],
      ['completed', 'arrive'],
      ['completed', 'record_result'],
      ['cancelled', 'arrive'],
      ['cancelled', 'cancel'],
    ] as const) {
      expect(() => nextStatus(from, action)).to.throw(AppError);
    }
  });
});
