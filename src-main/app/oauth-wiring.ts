// OAuth for MCP clients, wired: each client gets its own agent identity (registered inert,
// PROVISIONED, on its first authorization); consent is a grant request in the owner's inbox
// for the tools the requested resource serves; an approved authorization (and each refresh)
// is recorded as that agent's attestation, and its access tokens are the agent's JWT-SVIDs.
import { randomBytes } from 'node:crypto';
import { grantSpecSchema } from '../../src-shared/grant.js';
import type { GrantRequests } from '../approvals/grant-requests.js';
import { effectiveRequestState } from '../approvals/request-state.js';
import type { AttestationService } from '../attest/attestation-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CredentialAuthority } from '../authority/credential-authority.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { DownstreamManager } from '../gateway/downstream/downstream-manager.js';
import type { IdentityService } from '../identity/identity-service.js';
import { ClientMetadataFetcher, type ClientMetadataFetchOptions } from '../oauth/client-metadata-fetch.js';
import { AUTHORIZATION_TTL_MS, OAuthService } from '../oauth/oauth-service.js';
import { sqliteGrantRequestRepository } from '../store/approval-repository.js';
import { sqliteOAuthRepository } from '../store/oauth-repository.js';
import type { Store } from '../store/sqlite-store.js';
import type { CharonConfig } from './config.js';

export interface OAuthWiringDeps {
  readonly config: CharonConfig;
  readonly store: Store;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly identities: IdentityService;
  readonly attestation: AttestationService;
  readonly authority: CredentialAuthority;
  readonly grantRequests: Pick<GrantRequests, 'request'>;
  readonly downstream: DownstreamManager;
  /** How client ID metadata documents are fetched (tests trust a local CA and allow loopback). */
  readonly clientMetadata?: ClientMetadataFetchOptions;
}

export function wireOAuth(d: OAuthWiringDeps): OAuthService {
  const repo = sqliteOAuthRepository(d.store.db);
  const requests = sqliteGrantRequestRepository(d.store.db);
  const settings = d.config.oauth;
  const metadata = new ClientMetadataFetcher(d.clientMetadata ?? {}, d.clock);
  return new OAuthService({
    clientMetadata: (url) => metadata.fetch(url),
    repo,
    tx: d.store,
    audit: d.audit,
    clock: d.clock,
    ensureAgent: (client) =>
      d.store.transact(() => {
        const current = repo.client(client.id)?.agentId;
        if (current) return current;
        const agentId = `mcp-${randomBytes(5).toString('hex')}`;
        d.identities.register({ id: agentId, owner: settings.owner, environment: settings.environment, displayName: client.name, selectors: [], scopes: [] }, `oauth-client:${client.id}`);
        repo.setClientAgent(client.id, agentId);
        return agentId;
      }),
    requestConsent: async (agentId, client, resource) => {
      const path = new URL(resource).pathname;
      const servers = path === '/mcp' ? d.downstream.names() : [path.slice('/mcp/'.length)];
      const listed = await Promise.allSettled(servers.map(async (server) => [server, await d.downstream.listTools(server)] as const));
      const granted = Object.fromEntries(
        listed.flatMap((r) => (r.status === 'fulfilled' && r.value[1].length > 0 ? [[r.value[0], { tools: Object.fromEntries(r.value[1].map((t) => [t.name, {}])) }]] : [])),
      );
      const spec = grantSpecSchema.parse({ agentId, environment: settings.environment, servers: granted });
      // The request lapses with the authorization: approving it later would make a grant no client can use.
      return d.grantRequests.request(agentId, `oauth-client:${client.id}`, spec, `OAuth: a client that calls itself “${client.name}” (self-declared name, id ${client.id}) asks to connect to ${resource}`, null, AUTHORIZATION_TTL_MS).id;
    },
    requestState: (requestId) => {
      const r = requests.get(requestId);
      if (!r) throw new CharonError('ERR_GRANT_REQUEST_NOT_FOUND', `No grant request ${requestId}`);
      return effectiveRequestState(r, d.clock.now());
    },
    issueAccess: async (agentId, evidence, jkt) => {
      d.attestation.attestWithOAuth(agentId, evidence);
      const { token, credential } = await d.authority.issue({ agentId, dpopJkt: jkt, ttlSeconds: settings.accessTokenTtlSeconds, audience: evidence.resource, clientId: evidence.clientId }, `oauth-client:${evidence.clientId}`);
      return { token, jti: credential.jti, expiresAt: credential.expiresAt };
    },
    revokeAccess: (jtis, reason) => {
      for (const jti of jtis) {
        try {
          d.authority.revoke(jti, 'charon', reason);
        } catch (error) {
          // Already revoked, rotated or expired: nothing left to do for that one.
          if (!(error instanceof CharonError)) throw error;
        }
      }
    },
  });
}
