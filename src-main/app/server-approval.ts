// Creating power needs the passkey (DESIGN invariant 12): a downstream server that Charon launches
// as a process runs a program as the user. Setting one through the operator path takes a fresh
// passkey assertion over exactly that server (once a passkey is enrolled; before, the operator
// channel is the gate, as for the first enrolment), and Charon stores a keyed MAC over the name
// and launch spec. It starts only servers whose MAC verifies: a row written into the database
// behind its back launches nothing.
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { ServerConfig } from '../../src-shared/mcp-servers.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { McpServerRecord } from '../core/ports.js';

export interface ServerApproval {
  /** The MAC stored with a server set through the operator path. */
  approve(name: string, config: ServerConfig): string;
  /** Whether the stored server may be started. */
  launchable(record: McpServerRecord): boolean;
}

export const launchesProcess = (config: ServerConfig): boolean => 'command' in config;

/** What a passkey step-up for setting these servers binds to: their names and exact launch specs. */
export function launchBinding(servers: readonly { name: string; config: ServerConfig }[]): string {
  return createHash('sha256').update(canonicalJson(servers.map((s) => ({ name: s.name, config: s.config })))).digest('base64url');
}

export function serverApproval(masterKey: Buffer): ServerApproval {
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'charon server launch approval v1', 32));
  const mac = (name: string, config: ServerConfig) => createHmac('sha256', key).update(canonicalJson({ name, config })).digest();
  return {
    approve: (name, config) => mac(name, config).toString('base64url'),
    launchable(record) {
      if (!launchesProcess(record.config)) return true;
      if (!record.approval) return false;
      const stored = Buffer.from(record.approval, 'base64url');
      const expected = mac(record.name, record.config);
      return stored.length === expected.length && timingSafeEqual(stored, expected);
    },
  };
}
