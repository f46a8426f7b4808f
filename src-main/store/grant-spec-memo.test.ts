import { describe, expect, it } from 'vitest';
import { GrantSpecMemo } from './grant-spec-memo.js';

const text = JSON.stringify({ agentId: 'a', environment: 'dev', servers: { files: { tools: { read_file: {} }, resources: [], prompts: [] } }, envelope: {}, expiresAt: null });

describe('grant specs parsed once per distinct text', () => {
  it('gives the same spec for a text read again, frozen all the way down', () => {
    const memo = new GrantSpecMemo();
    const first = memo.read(text);
    memo.settle();
    expect(memo.read(text)).toBe(first);
    expect(Object.isFrozen(first.servers.files?.tools)).toBe(true);
    expect(() => ((first.servers as Record<string, unknown>).mail = {})).toThrow(TypeError);
  });

  it('forgets a text the last read did not see, and refuses a spec the schema refuses', () => {
    const memo = new GrantSpecMemo();
    const first = memo.read(text);
    memo.settle();
    memo.settle();
    expect(memo.read(text)).not.toBe(first);
    expect(() => memo.read('{"agentId":1}')).toThrow('corrupt grant spec column');
  });
});
