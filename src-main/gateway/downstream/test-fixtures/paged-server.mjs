// A stdio MCP server that lists its tools three per page: the gateway must follow nextCursor.
/* global process */
import { createInterface } from 'node:readline';

const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
const tools = Array.from({ length: 7 }, (_, i) => ({ name: `tool-${i}`, inputSchema: { type: 'object' } }));

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.id === undefined) return;
  if (message.method === 'initialize') {
    send({ id: message.id, result: { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'paged', version: '1.0.0' } } });
  } else if (message.method === 'tools/list') {
    const start = Number(message.params?.cursor ?? 0);
    const next = start + 3 < tools.length ? String(start + 3) : undefined;
    send({ id: message.id, result: { tools: tools.slice(start, start + 3), ...(next ? { nextCursor: next } : {}) } });
  } else if (message.method === 'ping') {
    send({ id: message.id, result: {} });
  } else {
    send({ id: message.id, error: { code: -32601, message: 'Method not found' } });
  }
});
process.stdin.on('end', () => process.exit(0));
