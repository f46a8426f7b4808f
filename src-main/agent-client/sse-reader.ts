/**
 * The events of a `text/event-stream` body as they arrive (HTML Living Standard §9.2.6): `data`
 * lines joined with newlines, `event` and `id` kept, comments and other fields skipped, an event
 * dispatched at its blank line. Lines may end in CRLF, LF or CR, and may be split across chunks.
 */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

export async function* readSse(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const parser = new SseLines();
  for await (const chunk of chunks) yield* parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), false);
  yield* parser.push(decoder.decode(), true);
}

class SseLines {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #id: string | undefined;

  /** The events completed by `text`; at the `end` of the stream a last CR ends its line. */
  *push(text: string, end: boolean): Generator<SseEvent> {
    this.#buffer += text;
    let start = 0;
    for (;;) {
      const lineEnd = firstLineEnd(this.#buffer, start);
      // A CR last in the buffer may be half of a CRLF: wait for the next chunk.
      if (lineEnd === -1 || (!end && this.#buffer[lineEnd] === '\r' && lineEnd === this.#buffer.length - 1)) break;
      const line = this.#buffer.slice(start, lineEnd);
      start = lineEnd + (this.#buffer[lineEnd] === '\r' && this.#buffer[lineEnd + 1] === '\n' ? 2 : 1);
      const event = this.#line(line);
      if (event) yield event;
    }
    this.#buffer = this.#buffer.slice(start);
  }

  #line(line: string): SseEvent | null {
    if (line === '') {
      const event = this.#data.length > 0 ? { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id } : null;
      this.#data = [];
      this.#event = '';
      return event;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return null;
  }
}

function firstLineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}
