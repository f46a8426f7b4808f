// Constrained values from distinct JSON texts with their call counts: a text repeated n times
// counts n times, amounts keep their peak, what is no scalar or amount is skipped, rows in order.
import { describe, expect, it } from 'vitest';
import { constrainedRows } from './window-values.js';

describe('constrained values from their texts', () => {
  it('counts each text as many calls as gave it, by JSON type and value', () => {
    const texts = new Map([
      ['{"path":"/b","n":1}', 3],
      ['{"path":"/a","n":"1"}', 2],
      ['{"path":"/b","flag":true}', 1],
    ]);
    const { values, peaks } = constrainedRows('a', 't', texts);
    expect(values).toEqual([
      { actor: 'a', subject: 't', arg: 'flag', value: true, calls: 1 },
      // 1 and "1" are two values (their text ties: in order of first use).
      { actor: 'a', subject: 't', arg: 'n', value: 1, calls: 3 },
      { actor: 'a', subject: 't', arg: 'n', value: '1', calls: 2 },
      { actor: 'a', subject: 't', arg: 'path', value: '/a', calls: 2 },
      { actor: 'a', subject: 't', arg: 'path', value: '/b', calls: 4 },
    ]);
    expect(peaks).toEqual([]);
  });

  it('keeps the peak amount per argument, 0 for a decimal that is no number', () => {
    const texts = new Map([
      ['{"amount":{"decimal":"12.50"},"fee":{"decimal":"x"}}', 5],
      ['{"amount":{"decimal":7}}', 1],
      ['{"amount":{"decimal":"100"}}', 1],
    ]);
    expect(constrainedRows('a', 't', texts).peaks).toEqual([
      { actor: 'a', subject: 't', arg: 'amount', peak: 100 },
      { actor: 'a', subject: 't', arg: 'fee', peak: 0 },
    ]);
  });

  it('skips text that is no JSON object, arrays, nulls and objects without a decimal', () => {
    const texts = new Map([
      ['not json', 1],
      ['[1,2]', 1],
      ['"text"', 1],
      ['{"list":[1],"none":null,"obj":{"x":1}}', 2],
    ]);
    expect(constrainedRows('a', 't', texts)).toEqual({ values: [], peaks: [] });
  });
});
