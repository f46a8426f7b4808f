import { describe, expect, it } from 'vitest';
import { grantSpecSchema } from '../../../src-shared/grant.js';
import { lintGrant } from './grant-lint.js';

const NOW = Date.UTC(2026, 11, 4);

describe('lintGrant', () => {
  it('names what can never match and what constrains nothing', () => {
    const spec = grantSpecSchema.parse({
      agentId: 'a',
      environment: 'dev',
      servers: {
        files: { tools: { read_file: { args: { path: { path: { roots: ['/'] } } } }, wrte_file: {} } },
        pay: { tools: { charge: { args: { amount: { amount: { min: '100', max: '99.5' } }, memo: { pattern: '*' } } } } },
        gone: { tools: { x: {} } },
      },
      expiresAt: NOW - 1,
    });
    const warnings = lintGrant(spec, ['files', 'pay'], (s) => (s === 'files' ? ['read_file', 'write_file'] : null), NOW);
    expect(warnings).toEqual([
      'It has expired: it allows nothing.',
      'files__read_file: path inside the root of the disk is any path: it constrains nothing.',
      'files__wrte_file is not a tool files offers: it can never match.',
      'pay__charge: amount at least 100 and at most 99.5 can never both hold: it can never match.',
      'pay__charge: memo matching "*" is any text: it constrains nothing.',
      'gone is not a configured server: this part can never match until a server of that name is added.',
    ]);
  });

  it('a sound grant has nothing to say', () => {
    const spec = grantSpecSchema.parse({ agentId: 'a', environment: 'dev', servers: { pay: { tools: { charge: { args: { amount: { amount: { min: '1', max: '100.00' } } } } } } }, expiresAt: NOW + 1 });
    expect(lintGrant(spec, ['pay'], () => ['charge'], NOW)).toEqual([]);
  });

  it('compares bounds exactly, as the gateway counts them', () => {
    const bounds = (min: string, max: string) => lintGrant(grantSpecSchema.parse({ agentId: 'a', environment: 'dev', servers: { pay: { tools: { charge: { args: { amount: { amount: { min, max } } } } } } } }), ['pay'], () => ['charge'], NOW);
    expect(bounds('0.10', '0.1')).toEqual([]);
    expect(bounds('7', '7.0001')).toEqual([]);
    expect(bounds('7.0001', '7')).toHaveLength(1);
  });
});
