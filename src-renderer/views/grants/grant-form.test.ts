import { describe, expect, it } from 'vitest';
import { grantSpecSchema } from '../../../src-shared/grant.js';
import { draftToSpec, emptyConstraint, emptyDraft, specToDraft } from './grant-form.js';

const NOW = Date.UTC(2026, 11, 4, 12);

describe('grant editor form', () => {
  it('turns what the owner typed into the exact spec, each constraint kind with its own input', () => {
    const draft = {
      ...emptyDraft('builder'),
      servers: {
        files: {
          tools: {
            read_text_file: [{ ...emptyConstraint('path'), kind: 'path' as const, roots: '/home/me/docs\n/tmp/shared' }],
            list_directory: [],
          },
          resources: 'file:///home/me/docs/*',
          prompts: '',
        },
        pay: {
          tools: {
            charge: [
              { ...emptyConstraint('amount'), kind: 'amount' as const, max: '100.00' },
              { ...emptyConstraint('count', 'integer'), kind: 'oneOf' as const, values: '1, 2' },
              { ...emptyConstraint('memo'), kind: 'pattern' as const, pattern: 'rent *' },
            ],
          },
          resources: '',
          prompts: '',
        },
      },
      perMinute: '10',
      burst: '',
      uses: '',
      expiry: 'week' as const,
    };
    const spec = grantSpecSchema.parse(draftToSpec(draft, NOW));
    expect(spec.servers.files?.tools.read_text_file).toEqual({ args: { path: { path: { roots: ['/home/me/docs', '/tmp/shared'] } } } });
    expect(spec.servers.files?.tools.list_directory).toEqual({});
    expect(spec.servers.files?.resources).toEqual(['file:///home/me/docs/*']);
    expect(spec.servers.pay?.tools.charge?.args).toEqual({ amount: { amount: { max: '100.00' } }, count: { oneOf: [1, 2] }, memo: { pattern: 'rent *' } });
    // A rate without a burst allows a burst of the same size.
    expect(spec.envelope).toEqual({ rate: { perMinute: 10, burst: 10 } });
    expect(spec.expiresAt).toBe(NOW + 7 * 86_400_000);
  });

  it('never means never; a stored grant reads back to the same spec, its expiry kept', () => {
    expect(draftToSpec({ ...emptyDraft('a'), expiry: 'never' }, NOW).expiresAt).toBeNull();
    const stored = grantSpecSchema.parse({
      agentId: 'a',
      environment: 'test',
      servers: { pay: { tools: { charge: { args: { amount: { amount: { min: '1', max: '5' } }, memo: { oneOf: ['x', 'y'] } } } }, prompts: ['p'] } },
      envelope: { rate: { perMinute: 6, burst: 2 }, uses: 3, timeZone: 'Europe/Paris', windows: [{ days: ['mon', 'fri'], start: '09:00', end: '17:30' }], caps: [{ tool: 'pay__charge', arg: 'amount', max: '500.00', per: 'day' }] },
      expiresAt: NOW + 1000,
      purpose: 'p',
    });
    expect(grantSpecSchema.parse(draftToSpec(specToDraft(stored), NOW))).toEqual(stored);
  });
});
