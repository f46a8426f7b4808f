import { describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from './sse-reader.js';

async function eventsOf(...chunks: string[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  async function* source(): AsyncGenerator<Buffer> {
    for (const chunk of chunks) yield Buffer.from(chunk);
  }
  for await (const event of readSse(source())) events.push(event);
  return events;
}

describe('readSse', () => {
  it('reads events split anywhere across chunks, with LF, CRLF (even split between chunks) and CR line ends', async () => {
    expect(await eventsOf('data: {"a"', ':1}\n', '\nda', 'ta: two\r', '\n\r', '\nevent: ping\rdata: three\r\r')).toEqual([
      { event: 'message', data: '{"a":1}', id: undefined },
      { event: 'message', data: 'two', id: undefined },
      { event: 'ping', data: 'three', id: undefined },
    ]);
  });

  it('joins data lines, keeps the last id, skips comments, other fields and events without data', async () => {
    expect(await eventsOf(': keep-alive\n\nid: 7\nretry: 10\ndata: a\ndata:b\ndata\n\nevent: x\n\n')).toEqual([{ event: 'message', data: 'a\nb\n', id: '7' }]);
  });

  it('does not dispatch an event the stream ended in the middle of', async () => {
    expect(await eventsOf('data: whole\n\ndata: cut off')).toEqual([{ event: 'message', data: 'whole', id: undefined }]);
  });

  it('decodes UTF-8 split between chunks', async () => {
    const bytes = Buffer.from('data: é✓\n\n');
    async function* split(): AsyncGenerator<Buffer> {
      yield bytes.subarray(0, 7);
      yield bytes.subarray(7);
    }
    const events: SseEvent[] = [];
    for await (const event of readSse(split())) events.push(event);
    expect(events).toEqual([{ event: 'message', data: 'é✓', id: undefined }]);
  });
});
