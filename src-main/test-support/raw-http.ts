// Raw HTTP/1.1 over a loopback socket: for what fetch and node:http would never send (bare CR/LF,
// invalid bytes in headers, bodies trickled a byte at a time, headers that never end).
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** Sends `bytes` as they are and reads until the server closes or `timeoutMs` passes. */
export function rawExchange(port: number, bytes: Buffer | string, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const head = end >= 0 ? text.slice(0, end) : text;
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: end >= 0 ? text.slice(end + 4) : '' });
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One response is enough: stop once a Content-Length body is complete.
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, end))?.[1];
      if (end >= 0 && length !== undefined && Buffer.byteLength(text.slice(end + 4), 'latin1') >= Number(length)) done();
    });
    socket.on('end', done);
    socket.on('error', (error) => (chunks.length ? done() : reject(error)));
    socket.write(bytes);
  });
}

/** A connection that sends the start of a request and then a byte now and then (slowloris). */
export function trickle(port: number, start: string, everyMs: number): { socket: Socket; stop: () => void } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(start);
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write('X');
  }, everyMs);
  return {
    socket,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}
