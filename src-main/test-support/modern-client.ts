// A 2026-07-28 MCP client in raw HTTP, as the revision's transport text describes it (the
// TypeScript SDK on npm speaks 2025-11-25 only): each request a POST with its version and
// capabilities in `_meta` and its method and target mirrored into headers.
export const MODERN = '2026-07-28';

export interface ModernReply {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON-RPC response (the last SSE event when the answer streamed). */
  readonly body: { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string; data?: Record<string, unknown> } };
  /** Notifications that preceded the response on an SSE stream. */
  readonly notifications: { method: string; params: Record<string, unknown> }[];
}

export interface ModernCallOptions {
  readonly token: string;
  readonly path?: string;
  readonly id?: string | number;
  readonly capabilities?: Record<string, unknown>;
  readonly logLevel?: string;
  readonly progressToken?: string | number;
  /** Header overrides: a value of null drops the header. */
  readonly headers?: Record<string, string | null>;
  /** `_meta` overrides. */
  readonly meta?: Record<string, unknown>;
}

let nextId = 0;

/** The request as the revision says to send it; `options.headers` and `options.meta` bend it for attacks. */
export async function modernRequest(base: string, method: string, params: Record<string, unknown>, options: ModernCallOptions): Promise<ModernReply> {
  const meta: Record<string, unknown> = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'raw-2026-client', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? {},
    ...(options.logLevel ? { 'io.modelcontextprotocol/logLevel': options.logLevel } : {}),
    ...(options.progressToken !== undefined ? { progressToken: options.progressToken } : {}),
    ...options.meta,
  };
  const target = method === 'resources/read' ? params.uri : params.name;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${options.token}`,
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(typeof target === 'string' && ['tools/call', 'resources/read', 'prompts/get'].includes(method) ? { 'mcp-name': /^[\x20-\x7e]*$/.test(target) ? target : `=?base64?${Buffer.from(target).toString('base64')}?=` } : {}),
  };
  const sent = Object.fromEntries(Object.entries({ ...headers, ...options.headers }).filter((e): e is [string, string] => e[1] !== null));
  const res = await fetch(new URL(options.path ?? '/mcp', base), { method: 'POST', headers: sent, body: JSON.stringify({ jsonrpc: '2.0', id: options.id ?? `r${++nextId}`, method, params: { ...params, _meta: meta } }) });
  const text = await res.text();
  if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as ModernReply['body']) : {}, notifications: [] };
  }
  const events = sseMessages(text);
  const last = events.pop() as ModernReply['body'];
  return { status: res.status, headers: res.headers, body: last, notifications: events as ModernReply['notifications'] };
}

/** The JSON messages of an SSE body. */
export function sseMessages(text: string): unknown[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'))
    .filter(Boolean)
    .map((data) => JSON.parse(data) as unknown);
}

/** A subscriptions/listen stream, read as it arrives. */
export async function openListen(base: string, notifications: Record<string, unknown>, options: ModernCallOptions): Promise<{ messages: Record<string, unknown>[]; waitFor(test: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(new URL(options.path ?? '/mcp', base), {
    method: 'POST',
    signal: controller.signal,
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${options.token}`, 'mcp-protocol-version': MODERN, 'mcp-method': 'subscriptions/listen' },
    body: JSON.stringify({ jsonrpc: '2.0', id: options.id ?? 'listen-1', method: 'subscriptions/listen', params: { notifications, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} } } }),
  });
  const messages: Record<string, unknown>[] = [];
  const waiters: { test: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  void (async () => {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          for (const message of sseMessages(`${block}\n\n`) as Record<string, unknown>[]) {
            messages.push(message);
            for (const w of [...waiters]) {
              if (!w.test(message)) continue;
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(message);
            }
          }
        }
      }
    } catch {
      // Closed by the test.
    }
  })();
  return {
    messages,
    waitFor: (test) => {
      const found = messages.find(test);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ test, resolve }));
    },
    close: () => controller.abort(),
  };
}
