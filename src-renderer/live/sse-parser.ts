export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

/**
 * Incremental text/event-stream parser (the subset the bridge sends: `event:`, `data:`,
 * comments). Fed arbitrary chunks; calls `onMessage` once per complete message. EventSource
 * cannot send the bridge's Authorization header, hence a parser over fetch.
 */
export function createSseParser(onMessage: (message: SseMessage) => void): (chunk: string) => void {
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onMessage({ event, data: data.join('\n') });
      event = 'message';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  return (chunk) => {
    buffer += chunk;
    let newline = buffer.search(/\r\n|\n|\r/);
    while (newline !== -1) {
      const width = buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone \r at the chunk's end may be half of \r\n: wait for the next chunk.
      if (buffer[newline] === '\r' && width === 1 && newline === buffer.length - 1) break;
      line(buffer.slice(0, newline));
      buffer = buffer.slice(newline + width);
      newline = buffer.search(/\r\n|\n|\r/);
    }
  };
}
