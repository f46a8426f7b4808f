import { describe, expect, it } from 'vitest';
import type { GrantSpec } from '../../../src-shared/grant.js';
import { constraintText, envelopeLines, envelopeRows, subsetOf } from './spec-text.js';

const spec: GrantSpec = {
  agentId: 'builder',
  environment: 'dev',
  servers: {
    files: { tools: { read_file: { args: { path: { path: { roots: ['/data'] } } } }, write_file: {} }, resources: [], prompts: [] },
    pay: { tools: { send: { args: { amount: { amount: { max: '100' } } } } }, resources: [], prompts: [] },
  },
  envelope: { rate: { perMinute: 10, burst: 5 }, caps: [{ tool: 'pay__send', arg: 'amount', max: '500', per: 'day' }] },
  expiresAt: null,
};

describe('the spec as the owner reads it', () => {
  it('names constraints and limits in words', () => {
    expect(constraintText('path', { path: { roots: ['/data', '/tmp'] } })).toBe('path inside /data or /tmp');
    expect(constraintText('amount', { amount: { max: '100' } })).toBe('amount between 0 and 100');
    expect(constraintText('mode', { oneOf: ['r', 1] })).toBe('mode one of "r", 1');
    expect(envelopeLines(spec.envelope)).toEqual(['at most 10 calls/min (burst 5)', 'pay__send: sum of amount at most 500 per day']);
  });

  it('an unchecked tool leaves the approved spec; a server with nothing left leaves too', () => {
    const subset = subsetOf(spec, new Set(['files__read_file']));
    expect(subset.servers).toEqual({ files: { tools: { read_file: { args: { path: { path: { roots: ['/data'] } } } } }, resources: [], prompts: [] } });
    expect(subset.envelope).toEqual(spec.envelope);
  });
});

describe('envelopeRows', () => {
  it('labels each limit of the envelope', () => {
    expect(envelopeRows({ rate: { perMinute: 10, burst: 5 }, uses: 1, timeZone: 'Europe/Paris', windows: [{ days: ['mon', 'fri'], start: '09:00', end: '17:00' }], caps: [{ tool: 'pay__charge', arg: 'amount', max: '50', per: 'day' }] })).toEqual([
      ['Rate', 'at most 10 calls/min (burst 5)'],
      ['Uses', 'one call in all, then it is used up'],
      ['When', 'mon, fri 09:00–17:00 (Europe/Paris)'],
      ['Cap on pay__charge', 'sum of amount at most 50 per day'],
    ]);
    expect(envelopeRows({})).toEqual([]);
  });
});
