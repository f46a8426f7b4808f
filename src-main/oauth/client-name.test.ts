import { describe, expect, it } from 'vitest';
import { displayClientName } from './client-name.js';

describe('displayClientName', () => {
  it('removes bidirectional overrides and isolates, control characters, newlines and zero-width characters', () => {
    expect(displayClientName('Claude\u202Eexe.tnegA\u202C')).toBe('Claude exe.tnegA');
    expect(displayClientName('VS Code\n\nApproved by the owner: all tools')).toBe('VS Code Approved by the owner: all tools');
    expect(displayClientName('Cur\u200Bsor\u2066\u2069\u0000\u001b[31m')).toBe('Cur sor [31m');
    expect(displayClientName('  Windsurf  ')).toBe('Windsurf');
  });

  it('never gives an empty or overlong name', () => {
    expect(displayClientName('\u202E\u202C\n')).toBe('MCP client');
    expect(displayClientName(42)).toBe('MCP client');
    expect([...displayClientName('é'.repeat(500))].length).toBe(100);
  });
});
