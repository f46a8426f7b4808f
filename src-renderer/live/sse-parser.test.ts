import { describe, expect, it } from 'vitest';
import { createSseParser, type SseMessage } from './sse-parser.js';

function parseAll(chunks: readonly string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const feed = createSseParser((message) => out.push(message));
  chunks.forEach(feed);
  return out;
}

describe('createSseParser', () => {
  it('yields one message per blank-line-terminated block and skips comments', () => {
    expect(parseAll([': charon operator events\n\nevent: audit.appended\ndata: {"seq":1}\n\n: keep-alive\n\n'])).toEqual([{ event: 'audit.appended', data: '{"seq":1}' }]);
  });

  it('joins messages split across chunks anywhere, including inside \\r\\n', () => {
    const text = 'event: a\r\ndata: {"x":\r\ndata: 1}\r\n\r\nevent: b\ndata: 2\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual([
        { event: 'a', data: '{"x":\n1}' },
        { event: 'b', data: '2' },
      ]);
    }
  });

  it('waits for the blank line: a half message is not delivered', () => {
    expect(parseAll(['event: a\ndata: 1\n'])).toEqual([]);
  });
});
