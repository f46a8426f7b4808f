import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantSpecSchema, type ArgConstraint, type GrantSpec, type GrantSpecInput } from '../../src-shared/grant.js';
import { constraintNarrower, globCovers, globMatches, isNarrowerOrEqual } from './grant-attenuation.js';

const T0 = Date.UTC(2026, 10, 23);
const spec = (input: Omit<GrantSpecInput, 'agentId' | 'environment'> & Partial<Pick<GrantSpecInput, 'agentId' | 'environment'>>): GrantSpec =>
  grantSpecSchema.parse({ agentId: 'a1', environment: 'dev', ...input });

const base = spec({
  servers: {
    files: { tools: { read: { args: { path: { path: { roots: ['/data', '/home/u/docs'] } } } }, list: {} }, resources: ['file:///data/*'], prompts: ['summarize'] },
    pay: { tools: { send: { args: { amount: { amount: { min: '1', max: '100' } }, to: { oneOf: ['alice', 'bob'] }, memo: { pattern: 'inv-*' } } } } },
  },
  envelope: { timeZone: 'Europe/Paris', rate: { perMinute: 60, burst: 10 }, windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '18:00' }], caps: [{ tool: 'pay__send', arg: 'amount', max: '500', per: 'day' }] },
  expiresAt: T0 + 86_400_000,
});

const clone = (s: GrantSpec): GrantSpec => structuredClone(s);
/** The server/tool/args of a test spec, which the test knows to exist. */
function srv(s: GrantSpec, name: string) {
  const found = s.servers[name];
  if (!found) throw new Error(`no server ${name}`);
  return found;
}
function argsOf(s: GrantSpec, server: string, tool: string): Record<string, ArgConstraint> {
  const rule = srv(s, server).tools[tool];
  if (!rule) throw new Error(`no tool ${tool}`);
  return (rule.args ??= {});
}
/** Deletes a key chosen at run time (the lint rule against dynamic delete guards typos in static code). */
const drop = (o: object, key: string): void => void Reflect.deleteProperty(o, key);
const refused = (child: GrantSpec, parent = base) => {
  const r = isNarrowerOrEqual(child, parent);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.reason;
};

describe('isNarrowerOrEqual: examples', () => {
  it('accepts the same grant and a strictly narrower one', () => {
    expect(isNarrowerOrEqual(clone(base), base)).toEqual({ ok: true });
    const c = clone(base);
    delete c.servers.files;
    argsOf(c, 'pay', 'send').amount = { amount: { min: '2', max: '50.5' } };
    argsOf(c, 'pay', 'send').to = { oneOf: ['bob'] };
    argsOf(c, 'pay', 'send').extra = { pattern: 'x*' };
    c.envelope.rate = { perMinute: 10, burst: 1 };
    c.envelope.windows = [{ days: ['tue'], start: '09:00', end: '12:00' }];
    c.envelope.caps = [{ tool: 'pay__send', arg: 'amount', max: '100', per: 'day' }];
    c.expiresAt = T0 + 1000;
    expect(isNarrowerOrEqual(c, base)).toEqual({ ok: true });
  });

  it('refuses another agent or environment', () => {
    expect(refused({ ...clone(base), agentId: 'a2' })).toMatch(/agent/);
    expect(refused({ ...clone(base), environment: 'prod' })).toMatch(/environment/);
  });

  it('refuses tools, servers, prompts and resources the parent does not have', () => {
    const c1 = clone(base);
    srv(c1, 'files').tools.write = {};
    expect(refused(c1)).toMatch(/files__write/);
    const c2 = clone(base);
    c2.servers.web = { tools: {}, resources: [], prompts: [] };
    expect(refused(c2)).toMatch(/server web/);
    const c3 = clone(base);
    srv(c3, 'files').prompts.push('plan');
    expect(refused(c3)).toMatch(/prompt/);
    const c4 = clone(base);
    srv(c4, 'files').resources = ['file:///*'];
    expect(refused(c4)).toMatch(/resource/);
  });

  it('refuses a dropped constraint, and constraints of another kind', () => {
    const c = clone(base);
    drop(argsOf(c, 'pay', 'send'), 'memo');
    expect(refused(c)).toMatch(/memo.*dropped/);
    const d = clone(base);
    argsOf(d, 'pay', 'send').to = { pattern: 'alice' };
    expect(refused(d)).toMatch(/different kind/);
  });

  it('compares path roots lexically after normalizing, never by string prefix', () => {
    const parent: ArgConstraint = { path: { roots: ['/data'] } };
    expect(constraintNarrower({ path: { roots: ['/data/sub'] } }, parent).ok).toBe(true);
    expect(constraintNarrower({ path: { roots: ['/data/./sub/../sub2/'] } }, parent).ok).toBe(true);
    expect(constraintNarrower({ path: { roots: ['/data2'] } }, parent).ok).toBe(false);
    expect(constraintNarrower({ path: { roots: ['/data/../etc'] } }, parent).ok).toBe(false);
    expect(constraintNarrower({ path: { roots: ['data/sub'] } }, parent).ok).toBe(false);
    expect(constraintNarrower({ path: { roots: ['/anything'] } }, { path: { roots: ['/'] } }).ok).toBe(true);
    expect(constraintNarrower({ path: { roots: ['c:/Users/u/x'] } }, { path: { roots: ['C:\\Users\\u'] } }).ok).toBe(true);
    expect(constraintNarrower({ path: { roots: ['C:\\Users\\u2'] } }, { path: { roots: ['C:\\Users\\u'] } }).ok).toBe(false);
  });

  it('compares amounts exactly, an absent max as unbounded and an absent min as zero', () => {
    const parent: ArgConstraint = { amount: { max: '100.00' } };
    expect(constraintNarrower({ amount: { max: '100' } }, parent).ok).toBe(true);
    expect(constraintNarrower({ amount: { max: '100.0001' } }, parent).ok).toBe(false);
    expect(constraintNarrower({ amount: {} }, parent).ok).toBe(false);
    expect(constraintNarrower({ amount: { max: '5' } }, { amount: { min: '1' } }).ok).toBe(false);
    expect(constraintNarrower({ amount: { min: '1', max: '5' } }, { amount: { min: '1' } }).ok).toBe(true);
    expect(constraintNarrower({ amount: {} }, { amount: { min: '0' } }).ok).toBe(true);
  });

  it('keeps patterns only exactly', () => {
    expect(constraintNarrower({ pattern: 'inv-*' }, { pattern: 'inv-*' }).ok).toBe(true);
    expect(constraintNarrower({ pattern: 'inv-1*' }, { pattern: 'inv-*' }).ok).toBe(false);
    expect(constraintNarrower({ oneOf: [1, 'a'] }, { oneOf: ['a', 1, true] }).ok).toBe(true);
    expect(constraintNarrower({ oneOf: ['1'] }, { oneOf: [1] }).ok).toBe(false);
  });

  it('treats the envelope as part of the grant: rates, windows, caps and the time zone', () => {
    const noRate = clone(base);
    delete noRate.envelope.rate;
    expect(refused(noRate)).toMatch(/rate/);
    const burst = clone(base);
    burst.envelope.rate = { perMinute: 60, burst: 11 };
    expect(refused(burst)).toMatch(/rate/);
    const weekend = clone(base);
    weekend.envelope.windows = [{ days: ['sat'], start: '09:00', end: '10:00' }];
    expect(refused(weekend)).toMatch(/window/);
    const late = clone(base);
    late.envelope.windows = [{ days: ['mon'], start: '17:00', end: '19:00' }];
    expect(refused(late)).toMatch(/window/);
    const noWindows = clone(base);
    delete noWindows.envelope.windows;
    expect(refused(noWindows)).toMatch(/windows/);
    const cap = clone(base);
    cap.envelope.caps = [{ tool: 'pay__send', arg: 'amount', max: '500.01', per: 'day' }];
    expect(refused(cap)).toMatch(/cap/);
    const hourly = clone(base);
    hourly.envelope.caps = [{ tool: 'pay__send', arg: 'amount', max: '1', per: 'hour' }];
    expect(refused(hourly)).toMatch(/cap/);
    const zone = clone(base);
    zone.envelope.timeZone = 'UTC';
    expect(refused(zone)).toMatch(/time zone/);
  });

  it('reads windows that wrap midnight and the end of the week', () => {
    const parent = spec({ servers: {}, envelope: { windows: [{ days: ['sun'], start: '22:00', end: '06:00' }] } });
    const inside = spec({ servers: {}, envelope: { windows: [{ days: ['mon'], start: '00:00', end: '05:00' }, { days: ['sun'], start: '23:00', end: '23:30' }] } });
    expect(isNarrowerOrEqual(inside, parent)).toEqual({ ok: true });
    const outside = spec({ servers: {}, envelope: { windows: [{ days: ['mon'], start: '05:00', end: '07:00' }] } });
    expect(isNarrowerOrEqual(outside, parent).ok).toBe(false);
  });

  it('treats a missing expiry as never expiring', () => {
    expect(refused({ ...clone(base), expiresAt: null })).toMatch(/never expires/);
    expect(refused({ ...clone(base), expiresAt: (base.expiresAt ?? 0) + 1 })).toMatch(/later/);
    const forever = { ...clone(base), expiresAt: null };
    expect(isNarrowerOrEqual({ ...clone(base), expiresAt: T0 }, forever)).toEqual({ ok: true });
  });

  it('covers globs conservatively', () => {
    expect(globCovers('file:///data/*', 'file:///data/sub/*')).toBe(true);
    expect(globCovers('file:///data/*', 'file:///data/x.txt')).toBe(true);
    expect(globCovers('file:///data/*', 'file:///dat*')).toBe(false);
    expect(globCovers('file:///*/x', 'file:///a/x')).toBe(true);
    expect(globCovers('file:///*/x', 'file:///a*/x')).toBe(false);
    expect(globMatches('a*b*c', 'abc')).toBe(true);
    expect(globMatches('a*b*c', 'ab')).toBe(false);
    expect(globMatches('ab*ba', 'aba')).toBe(false);
  });
});

// ---- Property tests: random grants, random narrowings and widenings ----

const ROOTS = ['/data', '/home/u/docs', '/srv/app'];
const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length] as T;

const constraintArb: fc.Arbitrary<ArgConstraint> = fc.oneof(
  fc.subarray(ROOTS, { minLength: 1 }).map((roots) => ({ path: { roots } })),
  fc.record({ min: fc.constantFrom(undefined, '0', '1', '5.5'), max: fc.constantFrom(undefined, '100', '250.75', '1000') }).map(({ min, max }) => ({ amount: { ...(min ? { min } : {}), ...(max ? { max } : {}) } })),
  fc.subarray<string | number | boolean>(['a', 'b', 'c', 1, 2, true], { minLength: 1 }).map((oneOf) => ({ oneOf })),
  fc.constantFrom('*.txt', 'report-*', 'x').map((pattern) => ({ pattern })),
);

const toolArb = fc.dictionary(fc.constantFrom('path', 'amount', 'to', 'mode'), constraintArb, { maxKeys: 3 }).map((args) => (Object.keys(args).length ? { args } : {}));
const serverArb = fc.record({
  tools: fc.dictionary(fc.constantFrom('read', 'write', 'send', 'list'), toolArb, { minKeys: 1, maxKeys: 3 }),
  resources: fc.subarray(['file:///data/*', 'mem://notes/*', 'https://x.test/a']),
  prompts: fc.subarray(['summarize', 'plan']),
});
const windowArb = fc.record({
  days: fc.subarray(['mon', 'tue', 'wed', 'thu', 'fri'] as const, { minLength: 1 }),
  start: fc.constantFrom('08:00', '09:30', '22:00'),
  end: fc.constantFrom('12:00', '18:00', '02:00'),
});
const parentArb: fc.Arbitrary<GrantSpec> = fc
  .record({
    servers: fc.dictionary(fc.constantFrom('files', 'pay', 'web'), serverArb, { minKeys: 1, maxKeys: 3 }),
    rate: fc.option(fc.record({ perMinute: fc.integer({ min: 2, max: 100 }), burst: fc.integer({ min: 2, max: 20 }) }), { nil: undefined }),
    windows: fc.option(fc.array(windowArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    timeZone: fc.constantFrom(undefined, 'Europe/Paris'),
    expiresAt: fc.option(fc.integer({ min: 10, max: 1000 }).map((k) => T0 + k * 1000), { nil: null }),
    capMax: fc.constantFrom('10', '99.5', '1000'),
  })
  .map(({ servers, rate, windows, timeZone, expiresAt, capMax }) => {
    const s = spec({ servers, envelope: { ...(timeZone ? { timeZone } : {}), ...(rate ? { rate } : {}), ...(windows ? { windows } : {}) }, expiresAt });
    // A cap and a per-tool rate on the first amount-constrained tool, if any.
    for (const [server, g] of Object.entries(s.servers)) {
      for (const [tool, rule] of Object.entries(g.tools)) {
        const amountArg = Object.entries(rule.args ?? {}).find(([, c]) => 'amount' in c)?.[0];
        if (amountArg && !s.envelope.caps) {
          s.envelope.caps = [{ tool: `${server}__${tool}`, arg: amountArg, max: capMax, per: 'day' }];
          s.envelope.toolRates = { [`${server}__${tool}`]: { perMinute: 5, burst: 2 } };
        }
      }
    }
    return s;
  });

const toolsOf = (s: GrantSpec) => Object.entries(s.servers).flatMap(([server, g]) => Object.entries(g.tools).map(([tool, rule]) => ({ server, tool, rule })));

/** One random step that never widens. */
function narrowOnce(s: GrantSpec, n: number): void {
  const tools = toolsOf(s);
  const t = tools.length ? pick(tools, n >> 4) : undefined;
  const args = t ? Object.entries(t.rule.args ?? {}) : [];
  const a = args.length ? pick(args, n >> 8) : undefined;
  switch (n % 12) {
    case 0: {
      const servers = Object.keys(s.servers);
      if (servers.length) drop(s.servers, pick(servers, n >> 4));
      return;
    }
    case 1:
      if (t) drop(srv(s, t.server).tools, t.tool);
      return;
    case 2:
      for (const g of Object.values(s.servers)) g.prompts = g.prompts.slice(1);
      return;
    case 3:
      for (const g of Object.values(s.servers)) g.resources = g.resources.map((r) => (r.endsWith('*') ? `${r.slice(0, -1)}sub/*` : r));
      return;
    case 4:
      if (t) t.rule.args = { ...t.rule.args, [`extra${n % 3}`]: { pattern: 'z*' } };
      return;
    case 5:
      if (a) {
        const c = a[1];
        if ('path' in c) c.path.roots = c.path.roots.map((r) => `${r}/sub/./x/..`);
        else if ('amount' in c) c.amount = { min: c.amount.min ?? '0', max: c.amount.max === undefined ? '42' : c.amount.max === '100' ? '99.9999' : c.amount.max };
        else if ('oneOf' in c) c.oneOf = c.oneOf.slice(0, 1);
      }
      return;
    case 6:
      s.envelope.rate = s.envelope.rate ? { perMinute: Math.max(1, s.envelope.rate.perMinute - 1), burst: Math.max(1, s.envelope.rate.burst - 1) } : { perMinute: 1, burst: 1 };
      return;
    case 7:
      if (s.envelope.windows) s.envelope.windows = s.envelope.windows.map((w) => ({ ...w, days: w.days.slice(0, 1) }));
      else s.envelope.windows = [{ days: ['sat'], start: '10:00', end: '11:00' }];
      return;
    case 8:
      s.expiresAt = s.expiresAt === null ? T0 : s.expiresAt - 1;
      return;
    case 9:
      if (s.envelope.caps) s.envelope.caps = s.envelope.caps.map((c) => ({ ...c, max: '1' }));
      return;
    case 10:
      if (s.envelope.toolRates) for (const r of Object.values(s.envelope.toolRates)) r.burst = 1;
      return;
    default:
      if (a && 'path' in a[1]) a[1].path.roots = a[1].path.roots.slice(0, 1);
  }
}

/** One random step that always widens, when one applies (null when it cannot). */
function widenOnce(s: GrantSpec, n: number): string | null {
  const tools = toolsOf(s);
  const t = pick(tools, n >> 4);
  const constrained = tools.flatMap((x) => Object.entries(x.rule.args ?? {}).map(([arg, c]) => ({ ...x, arg, c })));
  const a = constrained.length ? pick(constrained, n >> 8) : undefined;
  switch (n % 14) {
    case 0:
      s.servers.other = { tools: { x: {} }, resources: [], prompts: [] };
      return 'server';
    case 1:
      srv(s, t.server).tools.brand_new = {};
      return 'tool';
    case 2:
      srv(s, t.server).prompts.push('new-prompt');
      return 'prompt';
    case 3:
      srv(s, t.server).resources.push('zzz://elsewhere/*');
      return 'resource';
    case 4:
      if (!a) return null;
      drop(argsOf(s, a.server, a.tool), a.arg);
      return 'dropped constraint';
    case 5: {
      if (!a) return null;
      const c = a.c;
      if ('path' in c) c.path.roots.push('/etc');
      else if ('amount' in c) {
        if (c.amount.max !== undefined) c.amount.max = `${c.amount.max.split('.')[0]}1`;
        else if (c.amount.min !== undefined && c.amount.min !== '0') delete c.amount.min;
        else return null;
      } else if ('oneOf' in c) c.oneOf.push('zz');
      else c.pattern = `${c.pattern}-other`;
      return 'looser constraint';
    }
    case 6:
      if (!s.envelope.rate) return null;
      s.envelope.rate = { ...s.envelope.rate, perMinute: s.envelope.rate.perMinute + 1 };
      return 'rate';
    case 7:
      if (!s.envelope.windows) return null;
      delete s.envelope.windows;
      return 'no windows';
    case 8:
      if (!s.envelope.windows) return null;
      s.envelope.windows.push({ days: ['sun'], start: '12:00', end: '13:00' });
      return 'window';
    case 9:
      if (!s.envelope.caps) return null;
      s.envelope.caps = n % 2 ? [] : s.envelope.caps.map((c) => ({ ...c, max: `${c.max.split('.')[0]}1` }));
      return 'cap';
    case 10:
      s.envelope.timeZone = s.envelope.timeZone ? undefined : 'Asia/Tokyo';
      return 'time zone';
    case 11:
      if (s.expiresAt === null) return null;
      s.expiresAt = n % 2 ? null : s.expiresAt + 1;
      return 'expiry';
    case 12:
      s.environment = 'prod';
      return 'environment';
    default:
      if (!s.envelope.toolRates) return null;
      delete s.envelope.toolRates;
      return 'tool rates';
  }
}

describe('isNarrowerOrEqual: properties', () => {
  it('accepts every grant obtained by random narrowing steps (and the grant itself)', () => {
    fc.assert(
      fc.property(parentArb, fc.array(fc.nat(), { maxLength: 8 }), (parent, steps) => {
        const child = clone(parent);
        for (const n of steps) narrowOnce(child, n);
        const verdict = isNarrowerOrEqual(grantSpecSchema.parse(child), parent);
        expect(verdict).toEqual({ ok: true });
      }),
      { numRuns: 400 },
    );
  });

  it('refuses every grant obtained by one widening step, of every kind', () => {
    fc.assert(
      fc.property(parentArb, fc.nat(), (parent, n) => {
        const child = clone(parent);
        const what = widenOnce(child, n);
        fc.pre(what !== null);
        const verdict = isNarrowerOrEqual(child, parent);
        expect(verdict.ok, `${what} was accepted`).toBe(false);
      }),
      { numRuns: 600 },
    );
  });

  it('is transitive over chains of narrowings', () => {
    fc.assert(
      fc.property(parentArb, fc.array(fc.nat(), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }), (parent, s1, s2) => {
        const mid = clone(parent);
        for (const n of s1) narrowOnce(mid, n);
        const leaf = clone(mid);
        for (const n of s2) narrowOnce(leaf, n);
        expect(isNarrowerOrEqual(leaf, mid).ok).toBe(true);
        expect(isNarrowerOrEqual(leaf, parent).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
