import { parseArgs } from 'node:util';
import { CharonError } from '../core/errors.js';

const options = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  'passphrase-file': { type: 'string' },
  /** A postgres:// URL: the shared store of a team server (else config.json's `store`, else the SQLite file). */
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  // serve
  port: { type: 'string' },
  'bridge-port': { type: 'string' },
  'trust-domain': { type: 'string' },
  'json-ready': { type: 'boolean' },
  'no-bridge': { type: 'boolean' },
  // serve: the remote agent listener (TLS only)
  listen: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'listen-name': { type: 'string', multiple: true },
  // serve: the remote console (TLS only; the same --tls-cert/--tls-key)
  console: { type: 'string' },
  'console-name': { type: 'string' },
  // operators (team mode)
  role: { type: 'string' },
  // agents, tokens
  owner: { type: 'string' },
  env: { type: 'string' },
  name: { type: 'string' },
  selector: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  state: { type: 'string' },
  reason: { type: 'string' },
  ttl: { type: 'string' },
  audience: { type: 'string' },
  emergency: { type: 'boolean' },
  live: { type: 'boolean' },
  // grants
  agent: { type: 'string' },
  tool: { type: 'string', multiple: true },
  // connect
  url: { type: 'string' },
  server: { type: 'string' },
  'join-token-file': { type: 'string' },
  'key-file': { type: 'string' },
  'state-file': { type: 'string' },
  // servers (`--env K=V` repeats there: see everyValue)
  command: { type: 'string' },
  arg: { type: 'string', multiple: true },
  cwd: { type: 'string' },
  header: { type: 'string', multiple: true },
  overwrite: { type: 'boolean' },
  'new-owner': { type: 'boolean' },
  // audit
  out: { type: 'string' },
  file: { type: 'string' },
  bundle: { type: 'string' },
  limit: { type: 'string' },
  // reaper
  action: { type: 'string', multiple: true },
  // delegation
  jkt: { type: 'string' },
} as const;

export type CliValues = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: CliValues;
  /** Every option as given, in order (for an option that repeats in one command only). */
  readonly tokens?: ReturnType<typeof parse>['tokens'];
}

export function parseCli(argv: string[]): ParsedArgs {
  try {
    const { positionals, values, tokens } = parse(argv);
    return { positionals, values, tokens };
  } catch (error) {
    throw new CharonError('ERR_INVALID_INPUT', error instanceof Error ? error.message : String(error));
  }
}

export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CharonError('ERR_INVALID_INPUT', `--${name} must be a non-negative integer`);
  return Number(value);
}

export function required(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new CharonError('ERR_INVALID_INPUT', `missing ${what}`);
  return value;
}

/** Every value given for a string option, in order (`values` keeps only the last of a single-valued one). */
export function everyValue(args: ParsedArgs, name: keyof typeof options): string[] {
  return (args.tokens ?? []).flatMap((t) => (t.kind === 'option' && t.name === name && typeof t.value === 'string' ? [t.value] : []));
}
