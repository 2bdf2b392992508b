import { expect } from 'chai';
import { AppError } from '../../src/domain/errors.js';
import { makeUscc, usccCheckChar, usccRegion, validateUscc } from '../../src/domain/uscc.js';

// The weights as printed in GB 32100-2015 table, independent of the implementation's formula.
const STANDARD_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function referenceCheck(first17: string): string {
  const sum = [...first17].reduce((s, ch, i) => s + ALPHABET.indexOf(ch) * (STANDARD_WEIGHTS[i] as number), 0);
  return ALPHABET[(31 - (sum % 31)) % 31] as string;
}

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('USCC (GB 32100-2015)', () => {
  it('computes the check character as the standard table does', () => {
    for (const first17 of ['91211221MA0XYW123', '12100000400000624', '9135010077065372A', '52211200MJ0000000']) {
      expect(usccCheckChar(first17)).to.equal(referenceCheck(first17));
    }
  });

  it('accepts a valid code in any case and returns it upper-case', () => {
    const code = makeUscc('91', '211221', 'MA0XYW123');
    expect(validateUscc(code.toLowerCase())).to.equal(code);
    expect(usccRegion(code)).to.equal('211221');
  });

  it('names the expected check character when the last one is wrong', () => {
    const code = makeUscc('91', '211221', 'MA0XYW123');
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const err = errorOf(() => validateUscc(wrong));
    expect(err.code).to.equal('uscc_invalid');
    expect(err.messageKey).to.equal('uscc_check');
    expect(err.params).to.deep.equal({ expected: code[17], actual: wrong[17] });
  });

  it('rejects a wrong length and letters the standard never uses', () => {
    expect(errorOf(() => validateUscc('91211221')).params).to.deep.equal({ length: 8 });
    const withI = `91211221MA0XYW12I${'0'}`;
    expect(errorOf(() => validateUscc(withI)).params).to.deep.equal({ position: 17, char: 'I' });
  });
});
