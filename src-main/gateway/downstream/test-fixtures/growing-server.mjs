// A stdio MCP server whose tool list grows on request: `grow {name}` adds a tool and sends
// tools/list_changed; `shout {text}` sends a log message when no call of ours is running.
/* global process, setTimeout */
import { createInterface } from 'node:readline';

const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
const tools = [
  { name: 'grow', inputSchema: { type: 'object', properties: { name: { type: 'string' } } } },
  { name: 'shout', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } },
];

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.id === undefined) return;
  if (message.method === 'initialize') {
    send({ id: message.id, result: { protocolVersion: message.params.protocolVersion, capabilities: { tools: { listChanged: true }, logging: {} }, serverInfo: { name: 'growing', version: '1.0.0' } } });
  } else if (message.method === 'tools/list') {
    send({ id: message.id, result: { tools } });
  } else if (message.method === 'tools/call' && message.params.name === 'grow') {
    tools.push({ name: String(message.params.arguments.name), inputSchema: { type: 'object' } });
    send({ method: 'notifications/tools/list_changed' });
    send({ id: message.id, result: { content: [{ type: 'text', text: `added ${message.params.arguments.name}` }] } });
  } else if (message.method === 'tools/call' && message.params.name === 'shout') {
    send({ id: message.id, result: { content: [{ type: 'text', text: 'will shout' }] } });
    setTimeout(() => send({ method: 'notifications/message', params: { level: 'warning', logger: 'growing', data: message.params.arguments.text } }), 50);
  } else if (message.method === 'ping') {
    send({ id: message.id, result: {} });
  } else {
    send({ id: message.id, error: { code: -32601, message: 'Method not found' } });
  }
});
process.stdin.on('end', () => process.exit(0));
