// A tiny stdio MCP server for the gateway's amount tests: `charge` takes an `amount` (string or
// number) and appends exactly what it received to LEDGER_FILE, so a test can check that a refused
// call never reached the downstream.
/* global process */
import { appendFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const ledger = process.env.LEDGER_FILE;
const server = new Server({ name: 'charge-fixture', version: '1.0.0' }, { capabilities: { tools: {} } });

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    {
      name: 'charge',
      description: 'Charges an amount',
      inputSchema: { type: 'object', properties: { amount: { type: ['string', 'number'] }, memo: { type: 'string' } }, required: ['amount'] },
    },
    { name: 'refund', description: 'Refunds an amount (never granted in tests)', inputSchema: { type: 'object', properties: { amount: { type: 'string' } } } },
  ],
}));

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const args = request.params.arguments ?? {};
  if (ledger) appendFileSync(ledger, `${JSON.stringify({ tool: request.params.name, amount: args.amount })}\n`);
  return { content: [{ type: 'text', text: `${request.params.name} ${JSON.stringify(args.amount)}` }] };
});

await server.connect(new StdioServerTransport());
