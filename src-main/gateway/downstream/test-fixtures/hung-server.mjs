// A stdio MCP server that initializes, lists one tool and answers pings, but never answers
// tools/call: the gateway's per-request timeout must turn that into an error, not a hang.
/* global process */
import { createInterface } from 'node:readline';

const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.id === undefined) return; // notifications (initialized, cancelled) need no answer
  switch (message.method) {
    case 'initialize':
      send({ id: message.id, result: { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'hung', version: '1.0.0' } } });
      break;
    case 'tools/list':
      send({ id: message.id, result: { tools: [{ name: 'hang', inputSchema: { type: 'object' } }] } });
      break;
    case 'ping':
      send({ id: message.id, result: {} });
      break;
    case 'tools/call':
      break; // never answered
    default:
      send({ id: message.id, error: { code: -32601, message: 'Method not found' } });
  }
});
// Exit when the gateway closes stdin, as the MCP stdio shutdown sequence expects.
process.stdin.on('end', () => process.exit(0));
