// A "server" that answers every line with output that is not JSON-RPC (think console.log in a
// real server): the gateway must report it clearly and carry on, never crash.
/* global process */
import { createInterface } from 'node:readline';

process.stderr.write('garbage server listening\n');
createInterface({ input: process.stdin }).on('line', () => {
  process.stdout.write('Server started! Welcome to the best MCP server\n');
  process.stdout.write('{"not":"json-rpc"}\n');
});
process.stdin.on('end', () => process.exit(0));
