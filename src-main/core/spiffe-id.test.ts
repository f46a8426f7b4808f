import { describe, expect, it } from 'vitest';
import { agentIdOf, agentSpiffeId, formatSpiffeId, isValidTrustDomain, ownerSpiffeId, parseSpiffeId } from './spiffe-id.js';
import { codeOf } from '../test-support/error-code.js';

describe('parseSpiffeId', () => {
  it('parses a well-formed agent id', () => {
    expect(parseSpiffeId('spiffe://charon.local/agent/builder')).toEqual({ trustDomain: 'charon.local', path: ['agent', 'builder'] });
    expect(parseSpiffeId('spiffe://example.org')).toEqual({ trustDomain: 'example.org', path: [] });
    expect(parseSpiffeId('spiffe://td/Mixed.Case_seg-1')).toEqual({ trustDomain: 'td', path: ['Mixed.Case_seg-1'] });
  });

  it.each([
    ['uppercase trust domain (case-confusable alias of another domain)', 'spiffe://Charon.local/agent/builder'],
    ['"..": path traversal segment', 'spiffe://charon.local/agent/../owner/alice'],
    ['".": dot segment', 'spiffe://charon.local/agent/./builder'],
    ['empty segment (double slash)', 'spiffe://charon.local/agent//builder'],
    ['trailing slash (empty last segment)', 'spiffe://charon.local/agent/builder/'],
    ['root path only slash', 'spiffe://charon.local/'],
    ['query string smuggling', 'spiffe://charon.local/agent/builder?admin=true'],
    ['fragment smuggling', 'spiffe://charon.local/agent/builder#x'],
    ['port in the authority', 'spiffe://charon.local:8443/agent/builder'],
    ['userinfo in the authority', 'spiffe://evil@charon.local/agent/builder'],
    ['percent-encoded traversal', 'spiffe://charon.local/agent/%2e%2e'],
    ['wrong scheme', 'https://charon.local/agent/builder'],
    ['uppercase scheme', 'SPIFFE://charon.local/agent/builder'],
    ['empty trust domain', 'spiffe:///agent/builder'],
    ['whitespace', 'spiffe://charon.local/agent/build er'],
    ['non-ASCII lookalike', 'spiffe://charon.local/agent/bui\u0142der'],
    ['empty string', ''],
  ])('refuses a malformed id: %s → ERR_INVALID_INPUT', (_name, value) => {
    expect(codeOf(() => parseSpiffeId(value))).toBe('ERR_INVALID_INPUT');
  });

  it('refuses oversized ids (> 2048 bytes) that could exhaust parsers downstream', () => {
    const prefix = 'spiffe://charon.local/agent/';
    const exactly2048 = prefix + 'a'.repeat(2048 - prefix.length);
    expect(exactly2048).toHaveLength(2048);
    expect(parseSpiffeId(exactly2048).path[1]).toHaveLength(2048 - prefix.length);
    expect(codeOf(() => parseSpiffeId(exactly2048 + 'a'))).toBe('ERR_INVALID_INPUT');
    expect(codeOf(() => parseSpiffeId(prefix + 'a/'.repeat(5000) + 'a'))).toBe('ERR_INVALID_INPUT');
  });

  it('trust domain validation is lowercase-only and bounded', () => {
    expect(isValidTrustDomain('charon.local')).toBe(true);
    expect(isValidTrustDomain('Charon.local')).toBe(false);
    expect(isValidTrustDomain('')).toBe(false);
    expect(isValidTrustDomain('a'.repeat(256))).toBe(false);
    expect(isValidTrustDomain('td:443')).toBe(false);
  });
});

describe('formatSpiffeId and agentIdOf', () => {
  it('builds agent and owner ids in the trust domain', () => {
    expect(agentSpiffeId('charon.local', 'builder')).toBe('spiffe://charon.local/agent/builder');
    expect(ownerSpiffeId('charon.local', 'alice')).toBe('spiffe://charon.local/owner/alice');
    expect(formatSpiffeId('charon.local')).toBe('spiffe://charon.local');
  });

  it('refuses to build an id from a traversal or slash-smuggling segment (a caller bug: TypeError)', () => {
    expect(() => formatSpiffeId('charon.local', 'agent', '..')).toThrow(TypeError);
    expect(() => formatSpiffeId('charon.local', 'agent', 'a/b')).toThrow(TypeError);
    expect(() => formatSpiffeId('charon.local', 'agent', '')).toThrow(TypeError);
    expect(() => formatSpiffeId('Charon.local', 'agent', 'x')).toThrow(TypeError);
  });

  it('refuses to take an id from another trust domain, an owner id, or a deeper path as an agent', () => {
    expect(agentIdOf('charon.local', 'spiffe://charon.local/agent/builder')).toBe('builder');
    expect(agentIdOf('charon.local', 'spiffe://evil.local/agent/builder')).toBeNull();
    expect(agentIdOf('charon.local', 'spiffe://charon.local/owner/alice')).toBeNull();
    expect(agentIdOf('charon.local', 'spiffe://charon.local/agent/builder/extra')).toBeNull();
    expect(agentIdOf('charon.local', 'spiffe://charon.local/agent/../agent/builder')).toBeNull();
    expect(agentIdOf('charon.local', 'not a spiffe id')).toBeNull();
  });
});
