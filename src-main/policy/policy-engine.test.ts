import { describe, expect, it } from 'vitest';
import { grantSpecSchema, type GrantSpecInput } from '../../src-shared/grant.js';
import type { PolicyGrant } from './compile-grant.js';
import { PolicyEngine, type DecisionRequest } from './policy-engine.js';

const NOW = Date.UTC(2026, 10, 23, 10);
const HOUR = 3_600_000;

const grant = (id: string, input: Omit<GrantSpecInput, 'agentId' | 'environment'> & { agentId?: string; environment?: 'dev' | 'test' | 'prod' }): PolicyGrant => ({
  id,
  spec: grantSpecSchema.parse({ agentId: 'a1', environment: 'dev', ...input }),
});

const files = grant('grt_files000001', {
  servers: {
    files: { tools: { read_file: { args: { path: { path: { roots: ['/data', '/home/u/docs'] } } } }, list_dir: {} }, resources: ['file:///data/*'], prompts: ['summarize'] },
  },
});
const pay = grant('grt_pay00000001', {
  servers: {
    pay: {
      tools: {
        send: { args: { amount: { amount: { min: '1', max: '100.50' } }, 'to.account': { oneOf: ['alice', 'bob', 7] }, memo: { pattern: 'inv-*.pdf' } } },
      },
    },
  },
  expiresAt: NOW + HOUR,
});

/** An engine over an in-memory grant table the test edits. */
function engineWith(...initial: PolicyGrant[]) {
  const table = new Map<string, PolicyGrant[]>();
  for (const g of initial) table.set(g.spec.agentId, [...(table.get(g.spec.agentId) ?? []), g]);
  let version = 1;
  const engine = new PolicyEngine({ loadGrants: (agentId) => table.get(agentId) ?? [], dataVersion: () => version });
  return {
    engine,
    table,
    /** Simulates another process committing a change (the data version moves). */
    bumpVersion: () => version++,
  };
}

const tool = (name: string, args: DecisionRequest['args'] = {}, over: Partial<DecisionRequest> = {}): DecisionRequest => ({
  agentId: 'a1',
  environment: 'dev',
  action: 'tools/call',
  resourceName: name,
  args,
  now: NOW,
  ...over,
});

const goodPayment = { amount: { decimal: '100.5' }, 'to.account': 'bob', memo: 'inv-2026-11.pdf' };

describe('PolicyEngine: allowed calls', () => {
  it('allows a granted tool and names the grant', () => {
    const { engine } = engineWith(files, pay);
    expect(engine.decide(tool('files__list_dir'))).toMatchObject({ allow: true, grantIds: ['grt_files000001'] });
    expect(engine.decide(tool('files__read_file', { path: '/data/reports/q3.txt' }))).toMatchObject({ allow: true });
    expect(engine.decide(tool('files__read_file', { path: '/home/u/docs' }))).toMatchObject({ allow: true });
    expect(engine.decide(tool('pay__send', goodPayment))).toMatchObject({ allow: true, grantIds: ['grt_pay00000001'] });
    expect(engine.decide(tool('pay__send', { ...goodPayment, amount: { decimal: '1' }, 'to.account': 7 }))).toMatchObject({ allow: true });
  });

  it('allows granted prompts and resources of the right server only', () => {
    const { engine } = engineWith(files);
    expect(engine.decide({ ...tool('files__summarize'), action: 'prompts/get' }).allow).toBe(true);
    expect(engine.decide({ ...tool('file:///data/a.txt'), action: 'resources/read', server: 'files' }).allow).toBe(true);
    expect(engine.decide({ ...tool('file:///etc/passwd'), action: 'resources/read', server: 'files' }).allow).toBe(false);
    expect(engine.decide({ ...tool('file:///data/a.txt'), action: 'resources/read', server: 'other' }).allow).toBe(false);
    expect(engine.decide({ ...tool('files__other'), action: 'prompts/get' }).allow).toBe(false);
    // A tool grant is not a prompt grant of the same name.
    expect(engine.decide({ ...tool('files__list_dir'), action: 'prompts/get' }).allow).toBe(false);
  });
});

describe('PolicyEngine: attacks', () => {
  it('denies a tool outside the grant', () => {
    const { engine } = engineWith(files);
    const d = engine.decide(tool('files__write_file', { path: '/data/x' }));
    expect(d).toMatchObject({ allow: false, grantIds: [] });
    expect(d.reason).toMatch(/no grant allows tools\/call of files__write_file/);
  });

  it('denies a hidden tool called by name, and look-alike names', () => {
    const { engine } = engineWith(files);
    for (const name of ['admin__delete_everything', 'files__read_file ', 'FILES__read_file', 'files__read_file\0', 'files___read_file', 'files__list_dir/..']) {
      expect(engine.decide(tool(name, { path: '/data/x' })).allow, name).toBe(false);
    }
  });

  it('denies an amount over the cap or under the minimum, and an amount passed as a bare number or malformed', () => {
    const { engine } = engineWith(pay);
    expect(engine.decide(tool('pay__send', { ...goodPayment, amount: { decimal: '100.5001' } })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', { ...goodPayment, amount: { decimal: '1000000' } })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', { ...goodPayment, amount: { decimal: '0.9999' } })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', { ...goodPayment, amount: { decimal: '-5' } })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', { ...goodPayment, amount: 50 })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', { ...goodPayment, amount: { decimal: '1e2' } })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', { ...goodPayment, amount: 50.5 })).reason).toMatch(/not an integer/);
  });

  it('denies a value not in the list (type matters too)', () => {
    const { engine } = engineWith(pay);
    expect(engine.decide(tool('pay__send', { ...goodPayment, 'to.account': 'mallory' })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', { ...goodPayment, 'to.account': '7' })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', { ...goodPayment, 'to.account': 'Bob' })).allow).toBe(false);
  });

  it('denies a pattern mismatch; `*` is the only wildcard', () => {
    const { engine } = engineWith(pay);
    for (const memo of ['inv-1.pdf.exe', 'xinv-1.pdf', 'inv-1.pdfx', 'INV-1.pdf']) {
      expect(engine.decide(tool('pay__send', { ...goodPayment, memo })).allow, memo).toBe(false);
    }
    expect(engine.decide(tool('pay__send', { ...goodPayment, memo: 'inv-.pdf' })).allow).toBe(true);
  });

  it('denies a path outside every root (given normalized input), and un-normalized input', () => {
    const { engine } = engineWith(files);
    for (const path of ['/etc/passwd', '/data2/x', '/dat', '/home/u', '/', '/home/u/docs2']) {
      expect(engine.decide(tool('files__read_file', { path })).allow, path).toBe(false);
    }
    // The gateway must resolve paths first; anything still relative or with dot segments is refused outright.
    for (const path of ['/data/../etc/passwd', 'data/x', '/data//x', '/data/./x', '/data/']) {
      const d = engine.decide(tool('files__read_file', { path }));
      expect(d.allow, path).toBe(false);
      expect(d.reason).toMatch(/not a resolved absolute path/);
    }
  });

  it('denies when a constrained argument is missing', () => {
    const { engine } = engineWith(files, pay);
    expect(engine.decide(tool('files__read_file', {})).allow).toBe(false);
    const { memo: _memo, ...noMemo } = goodPayment;
    expect(engine.decide(tool('pay__send', noMemo)).allow).toBe(false);
  });

  it('denies once the grant has expired', () => {
    const { engine } = engineWith(pay);
    expect(engine.decide(tool('pay__send', goodPayment, { now: NOW + HOUR - 1 })).allow).toBe(true);
    expect(engine.decide(tool('pay__send', goodPayment, { now: NOW + HOUR })).allow).toBe(false);
  });

  it('denies in another environment', () => {
    const { engine } = engineWith(files);
    expect(engine.decide(tool('files__list_dir', {}, { environment: 'prod' })).allow).toBe(false);
  });

  it('denies another agent the grant of the first', () => {
    const { engine } = engineWith(files);
    expect(engine.decide(tool('files__list_dir', {}, { agentId: 'a2' }))).toMatchObject({ allow: false, reason: 'a2 has no active grant' });
  });

  it('stops allowing a revoked grant as soon as the engine is told', () => {
    const { engine, table } = engineWith(files, pay);
    expect(engine.decide(tool('files__list_dir')).allow).toBe(true);
    table.set('a1', [pay]);
    engine.refresh('a1');
    expect(engine.decide(tool('files__list_dir')).allow).toBe(false);
    expect(engine.decide(tool('pay__send', goodPayment)).allow).toBe(true);
    table.set('a1', []);
    engine.refresh('a1');
    // The Cedar cache still holds the previous set under this id: it must not be used.
    expect(engine.decide(tool('pay__send', goodPayment))).toMatchObject({ allow: false, reason: 'a1 has no active grant' });
  });

  it('notices a revocation made by another process through the data version', () => {
    const { engine, table, bumpVersion } = engineWith(files);
    expect(engine.decide(tool('files__list_dir')).allow).toBe(true);
    table.set('a1', []);
    expect(engine.decide(tool('files__list_dir')).allow).toBe(true); // not told, version unchanged: still cached
    bumpVersion();
    expect(engine.decide(tool('files__list_dir')).allow).toBe(false);
  });

  it('never evaluates a policy set that failed to parse, even though Cedar still caches the old one', () => {
    const { engine, table } = engineWith(files);
    expect(engine.decide(tool('files__list_dir')).allow).toBe(true);
    // A grant that slipped past validation (a lone surrogate Cedar refuses) breaks the whole set.
    table.set('a1', [files, grant('grt_broken00001', { servers: { x: { tools: { y: { args: { a: { pattern: 'a\uD800' } } } } } } })]);
    engine.refresh('a1');
    const d = engine.decide(tool('files__list_dir'));
    expect(d.allow).toBe(false);
    expect(d.reason).toMatch(/do not parse/);
    // A grant the compiler refuses (not an integer) is denied the same way.
    table.set('a1', [grant('grt_broken00002', { servers: { files: { tools: { list_dir: { args: { n: { oneOf: [0.5] } } } } } } })]);
    engine.refresh('a1');
    expect(engine.decide(tool('files__list_dir', { n: 0 })).allow).toBe(false);
  });
});

describe('PolicyEngine: parsing and helpers', () => {
  it('parses an agent set once, and again only when its policies change', () => {
    const { engine, table, bumpVersion } = engineWith(files, pay);
    for (let i = 0; i < 50; i++) engine.decide(tool('files__list_dir'));
    expect(engine.parseCount).toBe(1);
    engine.refresh('a1');
    bumpVersion();
    engine.decide(tool('files__list_dir'));
    expect(engine.parseCount).toBe(1);
    table.set('a1', [files]);
    engine.refresh('a1');
    expect(engine.parseCount).toBe(2);
  });

  it('a repeated request is answered without Cedar, and exactly as Cedar would: expiry, args, environment and a narrowed set all still count', () => {
    const { engine, table } = engineWith(files, pay);
    for (let i = 0; i < 20; i++) expect(engine.decide(tool('pay__send', goodPayment, { now: NOW + i })).allow).toBe(true);
    expect(engine.evaluationCount).toBe(1);
    // Other normalized args, another environment, another tool: each decided on its own.
    expect(engine.decide(tool('pay__send', { ...goodPayment, 'to.account': 'mallory' })).allow).toBe(false);
    expect(engine.decide(tool('pay__send', goodPayment, { environment: 'prod' })).allow).toBe(false);
    expect(engine.decide(tool('pay__refund', goodPayment)).allow).toBe(false);
    expect(engine.evaluationCount).toBe(4);
    // A remembered allow ends at the grant's expiry, although nothing else changed.
    expect(engine.decide(tool('pay__send', goodPayment, { now: NOW + HOUR - 1 })).allow).toBe(true);
    expect(engine.decide(tool('pay__send', goodPayment, { now: NOW + HOUR })).allow).toBe(false);
    // A clock set back before a remembered decision was made is evaluated again.
    const evaluated = engine.evaluationCount;
    expect(engine.decide(tool('pay__send', goodPayment, { now: NOW - 1 })).allow).toBe(true);
    expect(engine.evaluationCount).toBe(evaluated + 1);
    // Revoking the grant (the set changes) forgets what it allowed.
    table.set('a1', [files]);
    engine.refresh('a1');
    expect(engine.decide(tool('pay__send', goodPayment)).allow).toBe(false);
  });

  it('keeps engines apart although the Cedar cache is shared by the process', () => {
    const one = engineWith(files).engine;
    const two = engineWith(grant('grt_other000001', { servers: { web: { tools: { fetch: {} } } } })).engine;
    expect(one.decide(tool('files__list_dir')).allow).toBe(true);
    expect(two.decide(tool('files__list_dir')).allow).toBe(false);
    expect(two.decide(tool('web__fetch')).allow).toBe(true);
    expect(one.decide(tool('web__fetch')).allow).toBe(false);
  });

  it('tells the gateway which arguments to normalize, per grant', () => {
    const { engine } = engineWith(files, pay, grant('grt_files000002', { servers: { files: { tools: { read_file: { args: { path: { pattern: '*.txt' } } } } } } }));
    const args = engine.constrainedArgsFor('a1', 'files', 'read_file');
    expect([...args.keys()]).toEqual(['path']);
    expect(args.get('path')).toEqual([{ path: { roots: ['/data', '/home/u/docs'] } }, { pattern: '*.txt' }]);
    expect([...engine.constrainedArgsFor('a1', 'pay', 'send').keys()].sort()).toEqual(['amount', 'memo', 'to.account']);
    expect(engine.constrainedArgsFor('a1', 'files', 'nope').size).toBe(0);
  });

  it('allows when any one grant allows (grants add up), and reports it', () => {
    const narrow = grant('grt_files000002', { servers: { files: { tools: { read_file: { args: { path: { path: { roots: ['/tmp'] } } } } } } } });
    const { engine } = engineWith(files, narrow);
    expect(engine.decide(tool('files__read_file', { path: '/tmp/x' }))).toMatchObject({ allow: true, grantIds: ['grt_files000002'] });
    expect(engine.decide(tool('files__read_file', { path: '/data/x' }))).toMatchObject({ allow: true, grantIds: ['grt_files000001'] });
  });

  it('throws TypeError on malformed requests (caller bugs)', () => {
    const { engine } = engineWith(files);
    expect(() => engine.decide({ ...tool('x'), action: 'tools/list' as never })).toThrow(TypeError);
    expect(() => engine.decide({ ...tool('file:///data/a'), action: 'resources/read' })).toThrow(TypeError);
    expect(() => engine.decide({ ...tool('x'), now: Number.NaN })).toThrow(TypeError);
  });
});
