// An MCP client launching a stdio server as a desktop chat app does (for `charon connect` tests;
// the cli layer itself may not import the MCP SDK).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

export type { Client };

export interface StdioClient {
  readonly client: Client;
  /** What the child wrote to stderr so far. */
  stderr(): string;
}

/** Spawns `command args` with exactly `env` and initializes an SDK client over its stdio. */
export async function stdioClient(command: string, args: string[], env: Record<string, string>): Promise<StdioClient> {
  const transport = new StdioClientTransport({ command, args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'desktop-chat-app', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`initialize failed: ${error instanceof Error ? error.message : String(error)}\n${stderr}`, { cause: error });
  }
  return { client, stderr: () => stderr };
}

/** The MCP error a call ended with (fails the test when it succeeded or failed otherwise). */
export async function mcpErrorOf(call: Promise<unknown>): Promise<{ code: number; message: string; data: unknown }> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof McpError)) throw new Error(`expected an MCP error, got ${error === null ? 'success' : String(error)}`);
  return { code: error.code, message: error.message, data: error.data };
}
