import { describe, expect, it } from 'vitest';
import { parseClientConfig } from '../../../src-shared/client-config.js';
import { httpSnippets, stdioSnippets } from './client-snippets.js';

describe('client snippets', () => {
  it('each JSON snippet is a config Charon itself would import as one stdio server running charon connect with the token', () => {
    for (const s of stdioSnippets('writer', 'cjt_abc', 'http://127.0.0.1:7470').filter((s) => s.text.startsWith('{'))) {
      const parsed = parseClientConfig(s.text);
      expect(parsed.servers, s.client).toEqual([{ name: 'charon', config: { command: 'npx', args: ['charon', 'connect', '--agent', 'writer'], env: { CHARON_JOIN_TOKEN: 'cjt_abc' } } }]);
    }
  });

  it('a listener elsewhere than the default port is passed with --url; a one-server endpoint with --server; Claude Code gets a command line', () => {
    const [, code] = stdioSnippets('writer', 'cjt_abc', 'http://127.0.0.1:9000/', 'files');
    expect(code?.text).toBe('claude mcp add charon --env CHARON_JOIN_TOKEN=cjt_abc -- npx charon connect --agent writer --url http://127.0.0.1:9000 --server files');
    const http = httpSnippets('http://127.0.0.1:9000', 'files');
    expect(parseClientConfig(http[2]?.text ?? '').servers).toEqual([{ name: 'charon', config: { url: 'http://127.0.0.1:9000/mcp/files', headers: {} } }]);
  });
});
