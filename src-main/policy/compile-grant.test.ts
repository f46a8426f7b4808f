import { readFileSync } from 'node:fs';
import { checkParsePolicySet, policyToJson, validate } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantSpecSchema, type GrantSpecInput } from '../../src-shared/grant.js';
import { cedarGlob, cedarString } from './cedar-text.js';
import { compileGrant, grantCompileProblem, grantPolicyText } from './compile-grant.js';

const SCHEMA = readFileSync(new URL('../../policies/charon.cedarschema', import.meta.url), 'utf8');
const grant = (input: Omit<GrantSpecInput, 'agentId' | 'environment'>, id = 'grt_0123456789ab') => ({ id, spec: grantSpecSchema.parse({ agentId: 'a1', environment: 'dev', ...input }) });

/** The schema with `Args` declaring the keys a test grant uses, so strict validation covers the `when` clauses too. */
const schemaWithArgs = (args: string) => SCHEMA.replace('type Args = {};', `type Args = { ${args} };`);

describe('compileGrant', () => {
  it('emits one permit per tool, prompt and resource glob, named after the grant', () => {
    const g = grant({
      servers: { files: { tools: { read_file: {}, list: {} }, prompts: ['summarize'], resources: ['file:///data/*'] } },
      expiresAt: Date.UTC(2027, 0, 1),
    });
    const policies = compileGrant(g);
    expect(policies.map((p) => p.policyId)).toEqual(['grt_0123456789ab#0', 'grt_0123456789ab#1', 'grt_0123456789ab#2', 'grt_0123456789ab#3']);
    const text = grantPolicyText(g);
    expect(text).toContain('resource == Tool::"files__list"');
    expect(text).toContain('resource == Tool::"files__read_file"');
    expect(text).toContain('action == Action::"prompts/get"');
    expect(text).toContain('resource == Prompt::"files__summarize"');
    expect(text).toContain('resource.uri like "file:///data/*"');
    expect(text).toContain('resource.server == "files"');
    expect(text).toContain(`context.now < ${Date.UTC(2027, 0, 1)}`);
    expect(text).toContain('context.environment == "dev"');
    expect(text).not.toMatch(/forbid/);
    expect(checkParsePolicySet({ staticPolicies: text })).toEqual({ type: 'success' });
  });

  it('type-checks against the shipped schema in strict mode', () => {
    const plain = grant({ servers: { files: { tools: { read_file: {} }, prompts: ['p'], resources: ['mem://*'] } } });
    const v1 = validate({ schema: SCHEMA, policies: { staticPolicies: grantPolicyText(plain) } });
    expect(v1).toMatchObject({ type: 'success', validationErrors: [], validationWarnings: [] });

    const constrained = grant({
      servers: {
        pay: {
          tools: {
            send: { args: { amount: { amount: { min: '1', max: '100' } }, to: { oneOf: ['alice', 'bob'] }, 'memo.text': { pattern: 'inv-*' }, file: { path: { roots: ['/data'] } } } },
          },
        },
      },
    });
    const schema = schemaWithArgs('"amount"?: __cedar::decimal, "to"?: String, "memo.text"?: String, "file"?: String');
    const v2 = validate({ schema, policies: { staticPolicies: grantPolicyText(constrained) } });
    expect(v2).toMatchObject({ type: 'success', validationErrors: [], validationWarnings: [] });
  });

  it('compiles each constraint kind to the documented Cedar', () => {
    const text = grantPolicyText(
      grant({
        servers: {
          s: {
            tools: {
              t: {
                args: {
                  'options.target': { path: { roots: ['/data/./x/', '/'] } },
                  amount: { amount: { max: '100' } },
                  mode: { oneOf: ['r', 2, true] },
                  name: { pattern: 'a*b' },
                },
              },
            },
          },
        },
      }),
    );
    expect(text).toContain('context.args has "options.target" && (context.args["options.target"] == "/data/x" || context.args["options.target"] like "/data/x/*" || context.args["options.target"] like "/*")');
    expect(text).toContain('context.args["amount"].greaterThanOrEqual(decimal("0.0")) && context.args["amount"].lessThanOrEqual(decimal("100.0"))');
    expect(text).toContain('["r", 2, true].contains(context.args["mode"])');
    expect(text).toContain('context.args["name"] like "a*b"');
  });

  it('refuses what Cedar cannot express exactly', () => {
    expect(grantCompileProblem(grant({ servers: { s: { tools: { t: { args: { x: { oneOf: [1.5] } } } } } } }))).toMatch(/not an integer/);
    expect(grantCompileProblem(grant({ servers: { s: { tools: { t: {} } } } }))).toBeNull();
    // A lone surrogate is written as an escape Cedar refuses: the grant is refused, never half-compiled.
    expect(grantCompileProblem(grant({ servers: { s: { tools: { t: { args: { x: { pattern: 'a\uD800' } } } } } } }))).not.toBeNull();
  });

  it('writes any string as exactly that literal, and globs with only `*` as wildcard (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '*', '\\', '"', '\n', '\t', '\0', 'é', '😀', '\u2028', '{', '}', ';', ')', ' ') });
    fc.assert(
      fc.property(text, text, (literal, glob) => {
        const answer = policyToJson(`permit (principal, action, resource) when { ${cedarString(literal)} like ${cedarGlob(glob)} };`);
        expect(answer.type).toBe('success');
        if (answer.type !== 'success') return;
        const body = answer.json.conditions[0]?.body as { like: { left: { Value: string }; pattern: ('Wildcard' | { Literal: string })[] } };
        expect(body.like.left.Value).toBe(literal);
        const rebuilt = body.like.pattern.map((p) => (p === 'Wildcard' ? '\u0000WILD' : p.Literal)).join('');
        expect(rebuilt).toBe(glob.split('*').join('\u0000WILD'));
      }),
      { numRuns: 300 },
    );
  });
});
