// `charon connect --agent <id>`: the stdio bridge for MCP clients that only launch processes.
// stdout carries the MCP protocol: everything this command says goes to stderr.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { idSchema } from '../../src-shared/schemas.js';
import { serverNameSchema } from '../../src-shared/grant.js';
import { CharonAgent, type AgentCredential } from '../agent-client/charon-agent.js';
import { readCredentialFile, writeCredentialFile, type CredentialState } from '../agent-client/credential-file.js';
import { DpopKey } from '../agent-client/dpop-key.js';
import { startStdioBridge, toBridgeError } from '../agent-client/stdio-bridge.js';
import { defaultDataDir } from '../app/data-dir.js';
import { CharonError } from '../core/errors.js';
import { required, type ParsedArgs } from './args.js';

export const DEFAULT_AGENT_URL = 'http://127.0.0.1:7470';

const say = (message: string): void => void process.stderr.write(`charon connect: ${message}\n`);

/** Runs until the MCP client goes away (stdin ends) or a signal; returns the exit code (2 usage, 1 refused or failed). */
export async function connectCommand(args: ParsedArgs): Promise<number> {
  try {
    return await connect(args);
  } catch (error) {
    const code = error instanceof CharonError ? error.code : toBridgeError(error).charonCode;
    const message = error instanceof CharonError ? error.message : toBridgeError(error).message.slice(code.length + 2);
    say(`${code}: ${message}`);
    return code === 'ERR_INVALID_INPUT' ? 2 : 1;
  }
}

async function connect(args: ParsedArgs): Promise<number> {
  const v = args.values;
  const agentId = required(v.agent, '--agent <id>');
  if (!idSchema.safeParse(agentId).success) throw new CharonError('ERR_INVALID_INPUT', `--agent ${agentId}: not a valid agent id`);
  if (v.server !== undefined && !serverNameSchema.safeParse(v.server).success) throw new CharonError('ERR_INVALID_INPUT', `--server ${v.server}: not a valid server name`);
  const url = v.url ?? process.env.CHARON_URL ?? DEFAULT_AGENT_URL;
  if (!/^https?:\/\//.test(url)) throw new CharonError('ERR_INVALID_INPUT', `--url ${url}: expected http://host:port`);
  const agentDir = join(v['data-dir'] ?? defaultDataDir(), 'agents', agentId);
  const keyFile = v['key-file'] ?? join(agentDir, 'dpop-key.json');
  const stateFile = v['state-file'] ?? join(agentDir, 'credential.json');

  // The DPoP key: created on first run (0600), the same key on every run after, so the persisted credential stays usable.
  const dpopKey = await DpopKey.fromFile(keyFile);
  const recorded = await readCredentialFile(stateFile).catch((error: unknown) => {
    say(`ignoring ${stateFile}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  // A join token other than the one the saved credential came from is a fresh one: it wins (the
  // saved credential may be revoked, orphaned or signed by a key rotated away). The same one
  // again (an MCP client's config keeps it in its environment) is spent: the saved credential goes on.
  const joinToken = readJoinToken(v['join-token-file']);
  const joinHash = joinToken ? createHash('sha256').update(joinToken).digest('hex') : undefined;
  const fresh = joinToken !== undefined && joinHash !== recorded?.joinTokenSha256;
  const saved = fresh ? null : await usableState(recorded, agentId, dpopKey.thumbprint);
  if (!saved && !joinToken) {
    throw new CharonError(
      'ERR_ATTESTATION_REQUIRED',
      `no usable credential for agent ${agentId} in ${stateFile}: a join token is needed (single use). Create one with \`charon join-token create ${agentId}\` and pass it with --join-token-file FILE or the CHARON_JOIN_TOKEN environment variable`,
    );
  }
  if (!saved && !fresh) {
    throw new CharonError('ERR_JOIN_TOKEN_USED', `the join token given was already used for the saved credential, which is no longer usable: create a new one with \`charon join-token create ${agentId}\``);
  }
  const lineHash = fresh ? joinHash : recorded?.joinTokenSha256;

  const persist = async (credential: AgentCredential): Promise<void> => {
    const state: CredentialState = { version: 1, agentId, jkt: dpopKey.thumbprint, credential, ...(lineHash ? { joinTokenSha256: lineHash } : {}) };
    try {
      await writeCredentialFile(stateFile, state);
    } catch (error) {
      say(`cannot save the credential to ${stateFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const agent = new CharonAgent({ url, agentId, dpopKey, ...(saved ? { credential: saved } : { joinToken }), onCredential: persist });
  say(saved ? `reusing the credential in ${stateFile} (expires ${new Date(saved.expiresAt).toISOString()})` : recorded ? `attesting ${agentId} with a new join token (replacing the saved credential)` : `attesting ${agentId} with a join token`);

  let bridge;
  try {
    bridge = await startStdioBridge({ agent, path: v.server ? `/mcp/${v.server}` : '/mcp' });
  } catch (error) {
    const e = toBridgeError(error);
    const hint = connectHint(e.charonCode, agentId);
    say(`${e.message}${hint}`);
    return 1;
  }
  const stop = (): void => void bridge.close();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await bridge.closed;
  return 0;
}

/** The persisted credential, if it belongs to this agent and key and has not expired. */
async function usableState(state: CredentialState | null, agentId: string, jkt: string): Promise<AgentCredential | null> {
  if (!state) return null;
  if (state.agentId !== agentId) {
    say(`the saved credential is for agent ${state.agentId}, not ${agentId}: not used`);
    return null;
  }
  if (state.jkt !== jkt) {
    say('the saved credential is bound to another DPoP key: not used');
    return null;
  }
  if (state.credential.expiresAt <= Date.now()) {
    say(`the saved credential expired at ${new Date(state.credential.expiresAt).toISOString()}`);
    return null;
  }
  return state.credential;
}

function readJoinToken(file: string | undefined): string | undefined {
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim() || undefined;
    } catch (error) {
      throw new CharonError('ERR_INVALID_INPUT', `cannot read --join-token-file ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return process.env.CHARON_JOIN_TOKEN?.trim() || undefined;
}

// What the owner can do about a refusal at start-up: most mean the saved credential is dead.
const NEEDS_JOIN_TOKEN = new Set(['ERR_ATTESTATION_REQUIRED', 'ERR_JWT_EXPIRED', 'ERR_CREDENTIAL_ROTATED', 'ERR_CREDENTIAL_REVOKED', 'ERR_DPOP_PROOF_MISMATCH', 'ERR_JOIN_TOKEN_USED', 'ERR_JOIN_TOKEN_INVALID', 'ERR_JOIN_TOKEN_EXPIRED', 'ERR_IDENTITY_NOT_ACTIVE']);

function connectHint(code: string, agentId: string): string {
  const fix = `a new join token is needed: \`charon join-token create ${agentId}\`, then pass it with --join-token-file or CHARON_JOIN_TOKEN (a new one replaces the saved credential)`;
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') return `; the saved credential was signed by a key that is no longer trusted (the control plane's keys were rotated in an emergency, which revokes every credential): ${fix}`;
  return NEEDS_JOIN_TOKEN.has(code) ? `; ${fix}` : '';
}
