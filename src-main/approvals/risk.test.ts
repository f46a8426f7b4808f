import { describe, expect, it } from 'vitest';
import type { GrantSpec } from '../../src-shared/grant.js';
import { specRisk, toolRisk } from './risk.js';

const spec = (tools: GrantSpec['servers'][string]['tools']): GrantSpec => ({ agentId: 'a', environment: 'dev', servers: { s: { tools, resources: [], prompts: [] } }, envelope: {}, expiresAt: null });

describe('risk levels: read < write < transact', () => {
  it('reads tool names conservatively: reads, writes, and payments or deletions', () => {
    expect(toolRisk('read_file', undefined)).toBe('read');
    expect(toolRisk('list_directory', undefined)).toBe('read');
    expect(toolRisk('search_nodes', undefined)).toBe('read');
    expect(toolRisk('write_file', undefined)).toBe('write');
    expect(toolRisk('create_entities', undefined)).toBe('write');
    // Unknown verbs are not assumed harmless.
    expect(toolRisk('frobnicate', undefined)).toBe('write');
    expect(toolRisk('delete_entities', undefined)).toBe('transact');
    expect(toolRisk('send_payment', undefined)).toBe('transact');
    expect(toolRisk('get_and_delete', undefined)).toBe('transact');
  });

  it('an amount constraint makes a tool transactional; a spec is as risky as its riskiest tool', () => {
    expect(toolRisk('charge', { args: { amount: { amount: { max: '10' } } } })).toBe('transact');
    expect(toolRisk('quote', { args: { amount: { amount: { max: '10' } } } })).toBe('transact');
    expect(specRisk(spec({ read_file: {}, list_dir: {} }))).toBe('read');
    expect(specRisk(spec({ read_file: {}, write_file: {} }))).toBe('write');
    expect(specRisk(spec({ read_file: {}, delete_file: {} }))).toBe('transact');
  });
});
