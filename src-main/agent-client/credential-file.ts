import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AgentCredential } from './charon-agent.js';

/** What a restarted agent needs to go on without a new join token: its credential, tied to its agent id and key. */
export interface CredentialState {
  readonly version: 1;
  readonly agentId: string;
  /** RFC 7638 thumbprint of the DPoP key the credential is bound to (null: a Bearer credential). */
  readonly jkt: string | null;
  readonly credential: AgentCredential;
  /**
   * SHA-256 (hex) of the join token this credential line started from: a join token that differs
   * is a fresh one the owner just handed out, and wins over whatever is saved.
   */
  readonly joinTokenSha256?: string;
}

/** The persisted state, or null when there is none (a missing file is not an error; a corrupt one is reported). */
export async function readCredentialFile(path: string): Promise<CredentialState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const value = JSON.parse(text) as Partial<CredentialState> | null;
  const c = value?.credential;
  if (value?.version !== 1 || typeof value.agentId !== 'string' || !c || typeof c.token !== 'string' || typeof c.expiresAt !== 'number' || typeof c.issuedAt !== 'number') {
    throw new Error(`${path} is not a Charon credential state file`);
  }
  return value as CredentialState;
}

/** Writes the state with mode 0600, atomically (a crash leaves the old file or the new one, never half of one). */
export async function writeCredentialFile(path: string, state: CredentialState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}
