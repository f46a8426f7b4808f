// A stdio MCP server that works until asked not to, one misbehaviour per tool: `ok` answers,
// `hang` never answers, `garbage` writes lines that are not JSON-RPC and no answer, `malformed`
// answers with a result that is not a CallToolResult, `crash` dies mid-call. For the gateway's
// fault tests: each must end in a clear error in bounded time, and nobody else may notice.
/* global process */
import { createInterface } from 'node:readline';

const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
const TOOLS = ['ok', 'hang', 'garbage', 'malformed', 'crash'].map((name) => ({ name, inputSchema: { type: 'object' } }));

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.id === undefined) return;
  switch (message.method) {
    case 'initialize':
      send({ id: message.id, result: { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'misbehaving', version: '1.0.0' } } });
      break;
    case 'tools/list':
      send({ id: message.id, result: { tools: TOOLS } });
      break;
    case 'ping':
      send({ id: message.id, result: {} });
      break;
    case 'tools/call':
      switch (message.params.name) {
        case 'ok':
          send({ id: message.id, result: { content: [{ type: 'text', text: 'fine' }] } });
          break;
        case 'garbage':
          process.stdout.write('Traceback (most recent call last): something went wrong\n\u0000\u00ff{{{\n');
          break;
        case 'malformed':
          send({ id: message.id, result: { content: 'not a list', isError: 'maybe' } });
          break;
        case 'crash':
          process.exit(1);
          break;
        default:
          break; // hang: never answered
      }
      break;
    default:
      send({ id: message.id, error: { code: -32601, message: 'Method not found' } });
  }
});
process.stdin.on('end', () => process.exit(0));
