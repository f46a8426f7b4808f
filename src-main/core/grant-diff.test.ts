import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantSpecSchema, type GrantSpec, type GrantSpecInput } from '../../src-shared/grant.js';
import { grantWidenings } from './grant-diff.js';

const spec = (input: Partial<GrantSpecInput> & Pick<GrantSpecInput, 'servers'>): GrantSpec => grantSpecSchema.parse({ agentId: 'payer', environment: 'dev', ...input });
const capped = spec({
  servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '50.00' } } } } } }, files: { tools: { read_text_file: { args: { path: { path: { roots: ['/srv/docs'] } } } } }, resources: ['docs:///public/*'], prompts: ['summary'] } },
  envelope: { rate: { perMinute: 10, burst: 5 }, caps: [{ tool: 'pay__charge', arg: 'amount', max: '100.00', per: 'day' }], windows: [{ days: ['mon', 'tue'], start: '09:00', end: '17:00' }] },
  expiresAt: Date.UTC(2027, 0, 1),
});
const texts = (request: GrantSpec, current: GrantSpec[] = [capped]) => grantWidenings(request, current).map((w) => w.text);

describe('grantWidenings', () => {
  it('JIT request without the amount shows as nothing new: no — the removed amount constraint is named', () => {
    const held = spec({ servers: { pay: { tools: { charge: {} } } } });
    expect(texts(held)).toContain('pay__charge: the constraint on amount is removed (today: amount between 0 and 50.00)');
  });

  it('names each widening: a raised amount, a path root added, a new tool, resource and prompt', () => {
    const wider = spec({
      servers: {
        pay: { tools: { charge: { args: { amount: { amount: { max: '5000.00' } } } }, refund: {} } },
        files: { tools: { read_text_file: { args: { path: { path: { roots: ['/srv/docs', '/home'] } } } } }, resources: ['docs:///*'], prompts: ['summary', 'secrets'] },
      },
      envelope: capped.envelope,
      expiresAt: capped.expiresAt,
    });
    const found = grantWidenings(wider, [capped]);
    expect(found.map((w) => [w.dimension, w.subject])).toEqual([
      ['argument', 'pay__charge'],
      ['tool', 'pay__refund'],
      ['argument', 'files__read_text_file'],
      ['resource', 'docs:///*'],
      ['prompt', 'files__secrets'],
    ]);
    expect(found[0]?.text).toMatch(/amount between 0 and 5000.00, wider than today's amount between 0 and 50.00/);
  });

  it('names a loosened envelope and a later expiry, and "never" in words', () => {
    const same = { servers: capped.servers } as const;
    expect(texts(spec({ ...same, envelope: {}, expiresAt: null }))).toEqual([
      'pay__charge: the rate limit of 10/min (burst 5) is removed',
      'pay__charge: the time windows are removed (any time of day)',
      'pay__charge: the cap of 100.00 amount per day is removed',
      'pay__charge: allowed until never, today only until 2027-01-01T00:00:00.000Z',
      'files__read_text_file: the rate limit of 10/min (burst 5) is removed',
      'files__read_text_file: the time windows are removed (any time of day)',
      'files__read_text_file: allowed until never, today only until 2027-01-01T00:00:00.000Z',
    ]);
    expect(texts(spec({ ...same, envelope: { ...capped.envelope, caps: [{ tool: 'pay__charge', arg: 'amount', max: '500.00', per: 'day' }] }, expiresAt: capped.expiresAt }))).toEqual(['pay__charge: the cap on amount per day raised from 100.00 to 500.00']);
  });

  it('a request that allows nothing new reads nothing new, also across two grants', () => {
    expect(texts(capped)).toEqual([]);
    const other = spec({ servers: { mail: { tools: { send: {} } } } });
    const both = spec({ servers: { mail: { tools: { send: {} } }, pay: capped.servers.pay as never }, envelope: capped.envelope, expiresAt: capped.expiresAt });
    expect(texts(both, [capped, other])).toEqual([]);
  });

  it('another environment or no grant at all: everything is new', () => {
    expect(texts(spec({ environment: 'prod', servers: { pay: { tools: { charge: {} } } } }))).toEqual(['pay__charge: a tool the agent cannot call today (it has no prod grant)']);
  });

  it('property: a spec narrowed from a grant never reads as a widening; dropping any constraint always does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 100 }), (amount, rate, cap) => {
        const narrowed = spec({
          servers: { pay: { tools: { charge: { args: { amount: { amount: { max: `${amount}.00` } } } } } } },
          envelope: { rate: { perMinute: rate, burst: Math.min(rate, 5) }, caps: [{ tool: 'pay__charge', arg: 'amount', max: `${cap}.00`, per: 'day' }], windows: capped.envelope.windows },
          expiresAt: capped.expiresAt,
        });
        expect(texts(narrowed)).toEqual([]);
        const dropped = spec({ ...narrowed, servers: { pay: { tools: { charge: {} } } } });
        expect(texts(dropped).length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
