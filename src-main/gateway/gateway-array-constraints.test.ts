// Issue 13, item 6: a constraint reaches every element of an array (`paths.*`), on the real
// server-filesystem tools that take several paths. The server itself may reach the whole temp
// directory, so only the gateway keeps the agent inside its root.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayHarness, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let client: Client;
let inside: string;
let secret: string;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['files'] });
  inside = join(h.root, 'notes.txt');
  secret = join(h.outside, 'secret.txt');
  writeFileSync(inside, 'inside the root\n');
  await h.activeAgent('arrays');
  const roots = [h.root];
  await h.grant({
    agentId: 'arrays',
    environment: 'dev',
    servers: {
      files: {
        tools: {
          read_multiple_files: { args: { 'paths.*': { path: { roots } } } },
          move_file: { args: { source: { path: { roots } }, destination: { path: { roots } } } },
        },
      },
    },
  });
  const { token } = await h.issue('arrays');
  client = await h.connect(h.bearerTransport(token));
}, 30_000);

afterAll(async () => {
  await client?.close();
  await h?.close();
});

const readMany = (paths: unknown) => client.callTool({ name: 'files__read_multiple_files', arguments: { paths } });

describe('paths.* confines every element', () => {
  it('read_multiple_files with every path inside the root: allowed', async () => {
    expect(textOf(await readMany([inside, join(h.root, 'notes.txt')]))).toContain('inside the root');
  });

  it('read_multiple_files smuggles a second path outside the roots: refused ERR_PATH_OUTSIDE_ROOT, nothing read', async () => {
    const before = await h.headSeq();
    expect(await refusalOf(readMany([inside, secret]))).toMatchObject({ status: 403, code: 'ERR_PATH_OUTSIDE_ROOT' });
    expect(await refusalOf(readMany([inside, `${h.root}/../outside/secret.txt`]))).toMatchObject({ status: 403, code: 'ERR_PATH_OUTSIDE_ROOT' });
    expect((await h.decisions(before)).map((d) => d.decision)).toEqual(['deny', 'deny']);
  });

  it('an empty list, a list that is not a list, or a non-string element is refused, never let through unchecked', async () => {
    expect(await refusalOf(readMany([]))).toMatchObject({ code: 'ERR_ARGUMENT_INVALID' });
    expect(await refusalOf(readMany(secret))).toMatchObject({ code: 'ERR_ARGUMENT_INVALID' });
    expect(await refusalOf(readMany([inside, { path: secret }]))).toMatchObject({ code: 'ERR_ARGUMENT_INVALID' });
  });

  it('move_file destination outside the roots: refused ERR_PATH_OUTSIDE_ROOT, the file stays', async () => {
    const source = join(h.root, 'movable.txt');
    writeFileSync(source, 'do not move me out\n');
    const move = (destination: string) => client.callTool({ name: 'files__move_file', arguments: { source, destination } });
    expect(await refusalOf(move(join(h.outside, 'stolen.txt')))).toMatchObject({ status: 403, code: 'ERR_PATH_OUTSIDE_ROOT' });
    expect(existsSync(join(h.outside, 'stolen.txt'))).toBe(false);
    expect(readFileSync(source, 'utf8')).toContain('do not move me out');
    // Source outside: refused too; inside to inside: allowed.
    expect(await refusalOf(client.callTool({ name: 'files__move_file', arguments: { source: secret, destination: join(h.root, 'grabbed.txt') } }))).toMatchObject({ status: 403, code: 'ERR_PATH_OUTSIDE_ROOT' });
    await move(join(h.root, 'moved.txt'));
    expect(readFileSync(join(h.root, 'moved.txt'), 'utf8')).toContain('do not move me out');
  });

  it('a constraint naming one element (paths.0) is refused when the grant is made: it would leave the others unchecked', async () => {
    await expect(h.grant({ agentId: 'arrays', environment: 'dev', servers: { files: { tools: { read_multiple_files: { args: { 'paths.0': { path: { roots: [h.root] } } } } } } } })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('paths.*') });
  });

  it('a constraint on the array itself says how to constrain its elements', async () => {
    await h.grant({ agentId: 'arrays', environment: 'dev', servers: { files: { tools: { list_allowed_directories: {}, read_multiple_files: { args: { paths: { path: { roots: [h.root] } } } } } } } });
    const refused = await refusalOf(readMany([inside]));
    expect(refused).toMatchObject({ code: 'ERR_ARGUMENT_INVALID' });
    expect(refused.message).toContain('paths.*');
  });
});
