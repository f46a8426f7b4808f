import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { acrSchema, type Acr } from '../../src-shared/delegation.js';
import { CharonError } from '../core/errors.js';
import { formatSpiffeId } from '../core/spiffe-id.js';
import { reaperConfigSchema, reaperSettingsOf, type ReaperConfig } from './reaper-config.js';

const ttl = z.number().int().positive();

/** `<data-dir>/config.json`; every field optional, defaults below. */
export const configFileSchema = z.strictObject({
  trustDomain: z.string().regex(/^[a-z0-9._-]{1,255}$/, 'a SPIFFE trust domain: lowercase letters, digits, ".", "_", "-"').optional(),
  /** A loopback address: 127.0.0.1 by default, ::1, localhost, or another of 127/8 (a second replica on the same port). */
  host: z.union([z.enum(['::1', 'localhost']), z.string().regex(/^127\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)$/, 'a loopback address')]).optional(),
  agentPort: z.number().int().min(0).max(65535).optional(),
  bridgePort: z.number().int().min(0).max(65535).optional(),
  ttlCapsSeconds: z.strictObject({ dev: ttl.optional(), test: ttl.optional(), prod: ttl.optional() }).optional(),
  attestationTtlSeconds: ttl.optional(),
  joinTokenTtlSeconds: ttl.optional(),
  keyRotationDays: z.number().positive().optional(),
  checkpointEvery: z.number().int().positive().optional(),
  checkpointIntervalSeconds: ttl.optional(),
  durability: z.enum(['normal', 'full']).optional(),
  /**
   * Where the tables live: omitted, the SQLite file in the data directory; a postgres:// URL, a
   * Postgres database shared by every replica of a team server (the password belongs in PGPASSWORD
   * or ~/.pgpass, not here).
   */
  store: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// URL').optional(),
  /**
   * The remote agent listener (team mode): agents on other hosts reach Charon here, over TLS only,
   * by one of `names` (as in the certificate). The loopback listener stays as it is.
   */
  remote: z
    .strictObject({
      address: z.string().min(1).max(64),
      port: z.number().int().min(0).max(65535),
      names: z.array(z.string().regex(/^[A-Za-z0-9.:-]{1,253}$/)).min(1).max(16),
      certFile: z.string().min(1),
      keyFile: z.string().min(1),
    })
    .optional(),
  /**
   * The remote console (team mode): operators sign in with their passkeys at https://<name>:<port>,
   * over TLS only. `name` is the WebAuthn relying party ID: a DNS name in the certificate.
   */
  console: z
    .strictObject({
      address: z.string().min(1).max(64),
      port: z.number().int().min(0).max(65535),
      name: z.string().regex(/^(?=.{1,253}$)(?!.*\.\d+$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'a DNS name with a dot, not an IP address (the passkeys\' relying party ID)'),
      certFile: z.string().min(1),
      keyFile: z.string().min(1),
    })
    .optional(),
  /** M of N approvers (team mode): grants for `environment` need `required` distinct `approvers`' passkeys. */
  quorum: z
    .array(
      z
        .strictObject({ environment: z.enum(['dev', 'test', 'prod']), required: z.number().int().min(1).max(16), approvers: z.array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/)).min(1).max(32) })
        .refine((q) => new Set(q.approvers).size === q.approvers.length, 'approvers are named once each')
        .refine((q) => q.required <= q.approvers.length, 'required is at most the number of approvers'),
    )
    .max(3)
    .refine((rules) => new Set(rules.map((r) => r.environment)).size === rules.length, 'one rule per environment')
    .optional(),
  /** Environments whose credentials must be DPoP-bound at the gateway (prod by default). */
  dpopRequired: z.array(z.enum(['dev', 'test', 'prod'])).optional(),
  /** Require RFC 9449 server nonces in DPoP proofs. */
  dpopNonce: z.boolean().optional(),
  bundleRefreshHintSeconds: ttl.optional(),
  /** Reaper thresholds and schedule (app/reaper-config.ts); every field optional. */
  reaper: reaperConfigSchema.optional(),
  /** Token exchange: the longest chain (hops from the owner, default 5) and the weakest owner assurance accepted at use (default any). */
  delegation: z.strictObject({ maxDepth: z.number().int().min(1).max(16).optional(), minAcr: acrSchema.optional() }).optional(),
  /** Dev/test grant requests granted without the owner (each audited as an auto-approval); never prod. */
  autoApprove: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
        environments: z.array(z.enum(['dev', 'test'])).min(1),
        maxRisk: z.enum(['read', 'write', 'transact']).default('read'),
        servers: z.array(z.string().max(32)).max(64).optional(),
      }),
    )
    .max(32)
    .optional(),
  /** Just-in-time consent: how long a refused call waits for the owner (MCP clients time out at about 60 s). */
  jit: z.strictObject({ holdSeconds: z.number().int().min(1).max(300).optional() }).optional(),
  /** MCP clients connecting with OAuth: their agents' environment and owner, and the access-token lifetime. */
  oauth: z
    .strictObject({ environment: z.enum(['dev', 'test', 'prod']).optional(), owner: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/).optional(), accessTokenTtlSeconds: z.number().int().min(30).max(3600).optional() })
    .optional(),
  /** Extra origins the console may approve from with a passkey (the bridge's own is always allowed). */
  passkeyOrigins: z.array(z.url()).max(8).optional(),
  kubernetes: z
    .strictObject({ issuer: z.string().min(1), audience: z.string().min(1), jwksFile: z.string().optional(), jwksUrl: z.url().optional() })
    .refine((k) => Boolean(k.jwksFile) !== Boolean(k.jwksUrl), 'set exactly one of jwksFile or jwksUrl')
    // Keys fetched over plain HTTP could be swapped in transit: only https, or http on loopback.
    .refine((k) => !k.jwksUrl || /^https:\/\//.test(k.jwksUrl) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(k.jwksUrl), 'jwksUrl must be https (or http on loopback)')
    .optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;

export interface CharonConfig {
  readonly dataDir: string;
  readonly trustDomain: string;
  readonly issuer: string;
  readonly audience: string;
  readonly host: string;
  readonly agentPort: number;
  readonly bridgePort: number;
  readonly ttlCapsSeconds: { readonly dev: number; readonly test: number; readonly prod: number };
  readonly attestationTtlSeconds: number;
  readonly joinTokenTtlSeconds: number;
  readonly keyRotationDays: number;
  readonly checkpointEvery: number;
  readonly checkpointIntervalSeconds: number;
  readonly durability: 'normal' | 'full';
  /** A postgres:// URL (team mode), or null for the SQLite file in the data directory. */
  readonly store: string | null;
  /** The remote TLS listener (team mode), or null. */
  readonly remote: ConfigFile['remote'] | null;
  /** The remote console (team mode), or null. */
  readonly console: ConfigFile['console'] | null;
  readonly quorum: NonNullable<ConfigFile['quorum']>;
  readonly dpopRequired: readonly ('dev' | 'test' | 'prod')[];
  readonly dpopNonce: boolean;
  readonly bundleRefreshHintSeconds: number;
  readonly kubernetes: ConfigFile['kubernetes'] | null;
  readonly autoApprove: NonNullable<ConfigFile['autoApprove']>;
  readonly passkeyOrigins: readonly string[];
  readonly jitHoldSeconds: number;
  readonly oauth: { readonly environment: 'dev' | 'test' | 'prod'; readonly owner: string; readonly accessTokenTtlSeconds: number };
  readonly reaper: ReaperConfig;
  readonly delegation: { readonly maxDepth: number; readonly minAcr: Acr | null };
}

export const DEFAULTS = {
  trustDomain: 'charon.local',
  host: '127.0.0.1',
  agentPort: 7470,
  bridgePort: 7471,
  // Short-lived by design; prod shortest.
  ttlCapsSeconds: { dev: 3600, test: 1800, prod: 600 },
  attestationTtlSeconds: 24 * 3600,
  joinTokenTtlSeconds: 3600,
  keyRotationDays: 30,
  checkpointEvery: 256,
  checkpointIntervalSeconds: 30,
  durability: 'normal',
  bundleRefreshHintSeconds: 300,
  jitHoldSeconds: 30,
} as const;

export function loadConfig(dataDir: string, overrides: ConfigFile = {}): CharonConfig {
  const path = join(dataDir, 'config.json');
  let file: ConfigFile = {};
  if (existsSync(path)) {
    const parsed = configFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CharonError('ERR_INVALID_INPUT', `${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    file = parsed.data;
  }
  const merged = { ...file, ...dropUndefined(overrides) };
  // A --store flag or CHARON_STORE is held to the same rule as the file's `store`.
  if (merged.store !== undefined && !configFileSchema.shape.store.safeParse(merged.store).success) {
    throw new CharonError('ERR_INVALID_INPUT', 'store: a postgres:// URL');
  }
  const remote = configFileSchema.shape.remote.safeParse(merged.remote);
  if (!remote.success) throw new CharonError('ERR_INVALID_INPUT', `remote: ${remote.error.issues[0]?.path.join('.') ?? ''} ${remote.error.issues[0]?.message ?? 'invalid'}`);
  const consoleListener = configFileSchema.shape.console.safeParse(merged.console);
  if (!consoleListener.success) throw new CharonError('ERR_INVALID_INPUT', `console: ${consoleListener.error.issues[0]?.path.join('.') ?? ''} ${consoleListener.error.issues[0]?.message ?? 'invalid'}`);
  const trustDomain = merged.trustDomain ?? DEFAULTS.trustDomain;
  return {
    dataDir,
    trustDomain,
    issuer: formatSpiffeId(trustDomain, 'charon', 'authority'),
    audience: formatSpiffeId(trustDomain, 'charon', 'gateway'),
    host: merged.host ?? DEFAULTS.host,
    agentPort: merged.agentPort ?? DEFAULTS.agentPort,
    bridgePort: merged.bridgePort ?? DEFAULTS.bridgePort,
    ttlCapsSeconds: { ...DEFAULTS.ttlCapsSeconds, ...dropUndefined(merged.ttlCapsSeconds ?? {}) },
    attestationTtlSeconds: merged.attestationTtlSeconds ?? DEFAULTS.attestationTtlSeconds,
    joinTokenTtlSeconds: merged.joinTokenTtlSeconds ?? DEFAULTS.joinTokenTtlSeconds,
    keyRotationDays: merged.keyRotationDays ?? DEFAULTS.keyRotationDays,
    checkpointEvery: merged.checkpointEvery ?? DEFAULTS.checkpointEvery,
    checkpointIntervalSeconds: merged.checkpointIntervalSeconds ?? DEFAULTS.checkpointIntervalSeconds,
    durability: merged.durability ?? DEFAULTS.durability,
    store: merged.store ?? null,
    remote: merged.remote ?? null,
    console: merged.console ?? null,
    quorum: merged.quorum ?? [],
    dpopRequired: merged.dpopRequired ?? ['prod'],
    dpopNonce: merged.dpopNonce ?? false,
    bundleRefreshHintSeconds: merged.bundleRefreshHintSeconds ?? DEFAULTS.bundleRefreshHintSeconds,
    kubernetes: merged.kubernetes ?? null,
    autoApprove: merged.autoApprove ?? [],
    passkeyOrigins: merged.passkeyOrigins ?? [],
    jitHoldSeconds: merged.jit?.holdSeconds ?? DEFAULTS.jitHoldSeconds,
    oauth: { environment: merged.oauth?.environment ?? 'dev', owner: merged.oauth?.owner ?? 'owner', accessTokenTtlSeconds: merged.oauth?.accessTokenTtlSeconds ?? 300 },
    reaper: reaperSettingsOf(merged.reaper),
    delegation: { maxDepth: merged.delegation?.maxDepth ?? 5, minAcr: merged.delegation?.minAcr ?? null },
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
