import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT_UNITS, cedarDecimalLiteral, compareAmounts, formatAmount, isAmountWithin, parseAmount } from './amount.js';
import { CharonError } from './errors.js';
import { codeOf } from '../test-support/error-code.js';

const STRICT = /^(0|[1-9][0-9]*)(\.[0-9]{1,4})?$/;

describe('parseAmount', () => {
  it.each([
    ['0', 0n, '0'],
    ['12', 120_000n, '12'],
    ['12.5', 125_000n, '12.5'],
    ['12.50', 125_000n, '12.5'],
    ['0.0001', 1n, '0.0001'],
    ['100.0000', 1_000_000n, '100'],
    ['922337203685477.5807', MAX_AMOUNT_UNITS, '922337203685477.5807'],
  ])('accepts the plain decimal string %s', (text, units, canonical) => {
    expect(parseAmount(text)).toEqual({ units, text: canonical });
  });

  it.each([
    [0, 0n],
    [12, 120_000n],
    [12.5, 125_000n],
    [0.0001, 1n],
    [1234.5678, 12_345_678n],
    [999_999_999_999, 9_999_999_999_990_000n],
  ])('accepts the JSON number %s', (value, units) => {
    expect(parseAmount(value).units).toBe(units);
  });

  it.each([
    ['exponent notation (Number reads 1000)', '1e3'],
    ['hexadecimal (Number reads 16)', '0x10'],
    ['octal prefix', '0o10'],
    ['binary prefix', '0b10'],
    ['leading whitespace (Number trims it)', ' 5'],
    ['trailing whitespace (Number trims it)', '5 '],
    ['trailing newline', '5\n'],
    ['explicit plus sign', '+5'],
    ['negative', '-1'],
    ['negative zero', '-0'],
    ['empty string (Number reads 0)', ''],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['numeric separator', '1_000'],
    ['thousands comma', '1,000'],
    ['Arabic-Indic digits', '\u0661\u0662'],
    ['fullwidth digits', '\uff11\uff12'],
    ['leading zero (octal in some readers)', '012'],
    ['bare fraction', '.5'],
    ['trailing dot', '5.'],
    ['more than 4 fraction digits (would be rounded)', '0.00001'],
    ['16 integer digits', '1000000000000000'],
    ['above the Cedar decimal range', '922337203685477.5808'],
    ['comma decimal separator', '12,5'],
    ['NUL suffix', '5\u00000'],
  ])('refuses %s → ERR_ARGUMENT_INVALID', (_name, text) => {
    expect(codeOf(() => parseAmount(text))).toBe('ERR_ARGUMENT_INVALID');
  });

  it.each([
    ['negative number', -1],
    ['negative zero', -0],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['1e15', 1e15],
    ['above 1e15', 1e16],
    ['more than 4 fraction digits', 0.00001],
    ['float sum noise (0.1 + 0.2)', 0.1 + 0.2],
    ['tiny exponent-form double', 1e-7],
    ['boolean true', true],
    ['boolean false', false],
    ['null', null],
    ['undefined', undefined],
    ['array of one number', [5]],
    ['array of one string', ['5']],
    ['object', { value: 5 }],
    ['bigint', 5n],
  ])('refuses the non-amount value: %s → ERR_ARGUMENT_INVALID', (_name, value) => {
    expect(codeOf(() => parseAmount(value))).toBe('ERR_ARGUMENT_INVALID');
  });

  it('names the argument in the message and never echoes a long payload', () => {
    const error = (() => {
      try {
        parseAmount(`1e${'9'.repeat(500)}`, 'options.total');
      } catch (e) {
        return e as CharonError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.message).toContain('options.total');
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('compare helpers', () => {
  it('compares exactly, without float rounding', () => {
    expect(compareAmounts(parseAmount('0.3'), parseAmount(0.3))).toBe(0);
    expect(compareAmounts(parseAmount('100.0001'), parseAmount('100'))).toBe(1);
    expect(compareAmounts(parseAmount('99.9999'), parseAmount(100))).toBe(-1);
  });

  it('bounds are inclusive and optional', () => {
    const min = parseAmount('10');
    const max = parseAmount('100.00');
    expect(isAmountWithin(parseAmount('10'), { min, max })).toBe(true);
    expect(isAmountWithin(parseAmount('100'), { min, max })).toBe(true);
    expect(isAmountWithin(parseAmount('100.0001'), { min, max })).toBe(false);
    expect(isAmountWithin(parseAmount('9.9999'), { min, max })).toBe(false);
    expect(isAmountWithin(parseAmount('5'), { max })).toBe(true);
    expect(isAmountWithin(parseAmount('5'), {})).toBe(true);
  });

  it('writes the literal Cedar decimal() accepts (a fraction is mandatory)', () => {
    expect(cedarDecimalLiteral(parseAmount('100'))).toBe('100.0000');
    expect(cedarDecimalLiteral(parseAmount('0.5'))).toBe('0.5000');
    expect(cedarDecimalLiteral(parseAmount('922337203685477.5807'))).toBe('922337203685477.5807');
  });
});

describe('amount properties', () => {
  it('format and parse round-trip over the whole range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_AMOUNT_UNITS }), (units) => {
        const text = formatAmount(units);
        const parsed = parseAmount(text);
        expect(parsed).toEqual({ units, text });
        expect(parseAmount(parsed.text)).toEqual(parsed);
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts a string that Number() would read differently', () => {
    const chars = fc.constantFrom(...'0123456789.eExXbBoO+-_ ,\n\t\u0661\uff11', 'Infinity', 'NaN');
    const decimal = fc.stringMatching(/^(0|[1-9][0-9]{0,14})(\.[0-9]{1,4})?$/);
    const candidates = fc.oneof(
      decimal,
      fc.tuple(fc.string({ unit: chars, maxLength: 2 }), decimal, fc.string({ unit: chars, maxLength: 2 })).map(([a, d, b]) => a + d + b),
      fc.string({ unit: chars, maxLength: 22 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        let amount;
        try {
          amount = parseAmount(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CharonError);
          return;
        }
        expect(text).toMatch(STRICT);
        expect(Number(text)).toBe(Number(amount.text));
        expect(Number.isNaN(Number(text))).toBe(false);
        // Exactness: the canonical text is the input minus trailing fraction zeros.
        expect(amount.text).toBe(text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
      }),
      { numRuns: 1500 },
    );
  });

  it('a JSON number is accepted only as the decimal JSON.stringify sends downstream', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: 0, max: 1e9 }).map((n) => n / 10_000)), (value) => {
        let amount;
        try {
          amount = parseAmount(value);
        } catch (error) {
          expect(error).toBeInstanceOf(CharonError);
          return;
        }
        expect(amount.text).toBe(JSON.stringify(value));
        expect(Number(amount.text)).toBe(value);
        expect(value >= 0 && value < 1e15).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
