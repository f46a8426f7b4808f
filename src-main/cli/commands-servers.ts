import { resolve } from 'node:path';
import type { ServerConfigInput, ServerStatusDto } from '../../src-shared/mcp-servers.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import { everyValue, required, type ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, table, time } from './output.js';

const target = (s: ServerStatusDto): string => ('command' in s.config ? [s.config.command, ...s.config.args].join(' ') : s.config.url);

/** `K=V` pairs of a repeated option (`--env`, `--header`). */
function pairs(values: readonly string[], option: string, separator = '='): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf(separator);
    if (at <= 0) throw new CharonError('ERR_INVALID_INPUT', `--${option} ${value}: expected NAME${separator}VALUE`);
    out[value.slice(0, at).trim()] = value.slice(at + separator.length);
  }
  return out;
}

/** A server config from flags: `--command C [--arg A]... [--env K=V]... [--cwd D]` or `--url U [--header K=V]...`. Validated by the operator contract. */
function configFromFlags(args: ParsedArgs): ServerConfigInput {
  const v = args.values;
  if (v.command !== undefined && v.url !== undefined) throw new CharonError('ERR_INVALID_INPUT', 'give either --command (stdio) or --url (Streamable HTTP), not both');
  if (v.url !== undefined) return { url: v.url, headers: pairs(v.header ?? [], 'header') };
  const command = required(v.command, '--command C (a stdio server) or --url U (a remote one)');
  return { command, args: v.arg ?? [], env: pairs(everyValue(args, 'env'), 'env'), ...(v.cwd ? { cwd: v.cwd } : {}) };
}

export async function serverCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<unknown> {
  const name = args.positionals[2];
  const v = args.values;
  const json = v.json ?? false;
  switch (sub) {
    case 'list': {
      const list = await call(plane, 'servers.list', {});
      return print(json, list, () =>
        list.length === 0
          ? 'no servers'
          : table([['NAME', 'STATE', 'TOOLS', 'RESTARTS', 'STARTED', 'TARGET'], ...list.map((s) => [s.name, s.state, s.toolCount === null ? '-' : String(s.toolCount), String(s.restarts), time(s.startedAt), target(s)])]),
      );
    }
    case 'add':
    case 'set': {
      const server = await call(plane, 'servers.set', { name: required(name, '<name>'), config: configFromFlags(args) });
      return print(json, server, () => `${server.name}: ${target(server)} (${server.state})`);
    }
    case 'remove': {
      const removed = await call(plane, 'servers.remove', { name: required(name, '<name>') });
      return print(json, removed, () => `removed ${removed.removed}`);
    }
    case 'import': {
      const result = await call(plane, 'servers.import', { path: resolve(required(name, '<path>')), overwrite: v.overwrite ?? false });
      return print(json, result, () =>
        [
          `imported ${result.imported.length}${result.imported.length ? `: ${result.imported.map((s) => s.name).join(', ')}` : ''}`,
          ...result.skipped.map((s) => `skipped ${s.name}: ${s.reason}`),
        ].join('\n'),
      );
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown server command ${sub ?? ''} (list, add, remove, import)`);
  }
}
