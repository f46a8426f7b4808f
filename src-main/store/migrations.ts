// Versioned schema migrations: index + 1 is the version recorded in PRAGMA user_version.
// Never edit a shipped migration; append a new one.
export const migrations: readonly string[] = [
  `
  CREATE TABLE identities (
    id TEXT PRIMARY KEY,
    spiffe_id TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    owner TEXT NOT NULL,
    environment TEXT NOT NULL CHECK (environment IN ('dev','test','prod')),
    selectors TEXT NOT NULL,
    scopes TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('PROVISIONED','ACTIVE','IDLE','REVOKED','DECOMMISSIONED')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_attested_at INTEGER,
    attestation_expires_at INTEGER,
    last_seen_at INTEGER
  ) STRICT;
  CREATE INDEX identities_state ON identities(state);
  CREATE INDEX identities_owner ON identities(owner);

  CREATE TABLE join_tokens (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES identities(id),
    selectors TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  ) STRICT;

  CREATE TABLE attestations (
    id INTEGER PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES identities(id),
    method TEXT NOT NULL,
    selectors TEXT NOT NULL,
    attested_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX attestations_agent ON attestations(agent_id, attested_at);

  CREATE TABLE credentials (
    jti TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES identities(id),
    spiffe_id TEXT NOT NULL,
    audience TEXT NOT NULL,
    scope TEXT NOT NULL,
    environment TEXT NOT NULL,
    kid TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE','ROTATED','EXPIRED','REVOKED')),
    dpop_jkt TEXT,
    rotated_to TEXT,
    changed_at INTEGER,
    reason TEXT
  ) STRICT;
  CREATE INDEX credentials_agent_state ON credentials(agent_id, state);
  CREATE INDEX credentials_state ON credentials(state);
  CREATE INDEX credentials_kid ON credentials(kid, expires_at);

  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    sealed_private_key BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE','RETIRED')),
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    leaves_bundle_at INTEGER
  ) STRICT;

  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    decision TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_kind ON audit_events(kind, seq);
  CREATE INDEX audit_subject ON audit_events(subject, seq);

  CREATE TABLE audit_checkpoints (
    seq INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    time INTEGER NOT NULL,
    kid TEXT NOT NULL,
    jws TEXT NOT NULL
  ) STRICT;

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
  // 2: the gateway — grants, the DPoP replay store, envelope usage, downstream MCP servers.
  `
  CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES identities(id),
    spec TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE','REVOKED','EXPIRED')),
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    revoked_at INTEGER,
    expires_at INTEGER
  ) STRICT;
  CREATE INDEX grants_agent_state ON grants(agent_id, state);

  CREATE TABLE dpop_proofs (
    jkt TEXT NOT NULL,
    jti TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (jkt, jti)
  ) STRICT;
  CREATE INDEX dpop_proofs_expiry ON dpop_proofs(expires_at);

  CREATE TABLE envelope_usage (
    key TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    total_units INTEGER NOT NULL,
    PRIMARY KEY (key, period_start)
  ) STRICT;

  CREATE TABLE mcp_servers (
    name TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 3: passkeys, grant requests and the approval evidence (the WebAuthn assertion over the grant).
  `
  CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    counter INTEGER NOT NULL,
    transports TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    removed_at INTEGER
  ) STRICT;

  CREATE TABLE grant_requests (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES identities(id),
    spec TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('PENDING','APPROVED','DENIED','EXPIRED','WITHDRAWN')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by TEXT,
    reason TEXT,
    grant_id TEXT
  ) STRICT;
  CREATE INDEX grant_requests_agent_state ON grant_requests(agent_id, state);
  CREATE INDEX grant_requests_state ON grant_requests(state, created_at);

  CREATE TABLE grant_approvals (
    grant_id TEXT PRIMARY KEY REFERENCES grants(id),
    request_id TEXT NOT NULL UNIQUE REFERENCES grant_requests(id),
    method TEXT NOT NULL CHECK (method IN ('passkey','auto')),
    spec TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    challenge TEXT NOT NULL,
    credential_id TEXT,
    authenticator_data TEXT,
    client_data_json TEXT,
    signature TEXT,
    user_handle TEXT,
    origin TEXT,
    rp_id TEXT,
    assertion_digest TEXT,
    rule TEXT,
    approved_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 4: the reaper — owners (the orphan rule), and the audit log by kind over a time window,
  // covering what the rules group by, so each rule reads only its window's index entries.
  `
  CREATE TABLE owners (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE','DEPARTED','DISABLED')),
    auto_suspend INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX audit_kind_time ON audit_events(kind, time, decision, actor, subject);
  CREATE INDEX credentials_expiry ON credentials(expires_at);
  CREATE INDEX attestations_expiry ON attestations(expires_at);
  CREATE INDEX join_tokens_expiry ON join_tokens(expires_at);
  `,
  // 5: delegation — one row per hop of an RFC 8693 chain (owner → agent → agent …), keyed by the
  // token it issued; `path` (hop ids, root first) lets the verify read fetch a whole chain at once.
  `
  CREATE TABLE delegations (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES delegations(id),
    root_id TEXT NOT NULL,
    path TEXT NOT NULL,
    depth INTEGER NOT NULL CHECK (depth >= 1),
    owner_id TEXT NOT NULL,
    delegator TEXT NOT NULL,
    agent_id TEXT NOT NULL REFERENCES identities(id),
    jti TEXT NOT NULL UNIQUE,
    audience TEXT NOT NULL,
    scope TEXT NOT NULL,
    environment TEXT NOT NULL,
    authority TEXT,
    acr TEXT NOT NULL,
    amr TEXT NOT NULL,
    dpop_jkt TEXT,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE','REVOKED')),
    revoked_at INTEGER,
    reason TEXT
  ) STRICT;
  CREATE INDEX delegations_parent ON delegations(parent_id);
  CREATE INDEX delegations_agent ON delegations(agent_id, state);
  CREATE INDEX delegations_owner ON delegations(owner_id, state);
  `,
  // 6: just-in-time consent (agents the owner enabled it for) and OAuth for MCP clients:
  // registered clients (RFC 7591), authorizations awaiting the owner's passkey and their
  // single-use codes (stored hashed), and refresh tokens (hashed) grouped in rotation families.
  `
  CREATE TABLE jit_agents (
    agent_id TEXT PRIMARY KEY REFERENCES identities(id),
    enabled_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE oauth_clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    agent_id TEXT REFERENCES identities(id),
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE oauth_authorizations (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients(id),
    agent_id TEXT NOT NULL REFERENCES identities(id),
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    resource TEXT NOT NULL,
    client_state TEXT,
    request_id TEXT NOT NULL REFERENCES grant_requests(id),
    code_hash TEXT UNIQUE,
    code_expires_at INTEGER,
    code_used_at INTEGER,
    family_id TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE oauth_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES oauth_clients(id),
    agent_id TEXT NOT NULL REFERENCES identities(id),
    resource TEXT NOT NULL,
    jkt TEXT,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE','USED','REVOKED')),
    access_jti TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  ) STRICT;
  CREATE INDEX oauth_refresh_family ON oauth_refresh_tokens(family_id);
  `,
  // 7: a keyed MAC per audit record (audit/record-mac.ts), so a record appended by someone who
  // can write the file but does not hold the master key is told apart from Charon's own.
  // Records written before this version have none: the checkpoint Charon signs on upgrade
  // vouches for them (audit/checkpointer.ts).
  `
  ALTER TABLE audit_events ADD COLUMN mac TEXT;
  `,
  // 8: the call a just-in-time request holds, so the owner can approve exactly it (this call
  // only, for an hour) instead of the whole tool.
  `
  ALTER TABLE grant_requests ADD COLUMN held_call TEXT;
  `,
  // 9: Charon's approval of each downstream server it launches as a process: a keyed MAC over
  // the name and launch spec, so a row written behind its back launches nothing.
  `
  ALTER TABLE mcp_servers ADD COLUMN approval TEXT;
  `,
  // 10: the authorization server's own signing keys, for tokens that are not JWT-SVIDs (RFC 9068
  // access tokens: delegated tokens, OAuth access tokens). Kept apart from the SPIFFE bundle's keys,
  // so no SPIFFE validator can take such a token for a workload's identity.
  `
  CREATE TABLE access_signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    sealed_private_key BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE','RETIRED')),
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    leaves_bundle_at INTEGER
  ) STRICT;
  `,
  // 11: an agent's own recent calls and denials (the console's activity on each identity), read
  // newest first without walking every other agent's records.
  `
  CREATE INDEX audit_actor ON audit_events(actor, seq);
  `,
  // 12: one index fewer for every credential issued (each index is a page written per commit). Only
  // the kill switch for every agent reads credentials by state alone, and a scan of the (reaped)
  // table serves it; per-agent reads use credentials_agent_state.
  `
  DROP INDEX credentials_state;
  `,
  // 13: rate-limit buckets shared by the gateways of a team server (replicas on one Postgres), so
  // two replicas together allow a grant's rate, not twice it. One row per grant (and tool) limited.
  `
  CREATE TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    level INTEGER NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  `,
  // 14: team mode's operators (each an owner; an admin manages servers, keys and owners), their
  // one-time enrolment invites, their signed-in console sessions (shared by every replica), the
  // passkey each operator holds, and each approver's signature when a grant needs M of N.
  `
  CREATE TABLE operators (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin','owner')),
    user_handle TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    removed_at INTEGER
  ) STRICT;

  CREATE TABLE operator_invites (
    code_hash TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  ) STRICT;

  CREATE TABLE operator_sessions (
    token_hash TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators(id),
    passkey_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
  ) STRICT;
  CREATE INDEX operator_sessions_operator ON operator_sessions(operator_id);

  ALTER TABLE passkeys ADD COLUMN operator_id TEXT;

  CREATE TABLE approval_signatures (
    request_id TEXT NOT NULL REFERENCES grant_requests(id),
    operator_id TEXT NOT NULL,
    spec TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    challenge TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    authenticator_data TEXT NOT NULL,
    client_data_json TEXT NOT NULL,
    signature TEXT NOT NULL,
    user_handle TEXT,
    origin TEXT NOT NULL,
    rp_id TEXT NOT NULL,
    assertion_digest TEXT NOT NULL,
    signed_at INTEGER NOT NULL,
    PRIMARY KEY (request_id, operator_id)
  ) STRICT;
  `,
  // 15: open passkey ceremonies (sign-in, enrolment, approvals, step-ups), so a ceremony begun on
  // one replica of a team server can be answered on another; single use is a DELETE … RETURNING.
  `
  CREATE TABLE ceremonies (
    id TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX ceremonies_expiry ON ceremonies(expires_at);
  `,
  // 16: one index fewer for every credential issued (each index is a page written per commit). Only
  // a key's retirement reads credentials by kid (the newest expiry among them), and max(expires_at)
  // walks credentials_expiry from the newest down: the retiring key signed the newest credentials.
  `
  DROP INDEX credentials_kid;
  `,
  // 17: credentials keyed by an integer. A credential's jti names its row (`<id>.<32 hex digits>`,
  // store/credential-jti.ts), so an issuance writes no index of random jtis: that index cost about
  // a tenth of a sequential issuance. Credentials issued before keep their jti (a UUID) and are
  // found through a partial index that only they are in; no new credential writes to it.
  `
  CREATE TABLE credentials_by_id (
    id INTEGER PRIMARY KEY,
    jti TEXT NOT NULL,
    agent_id TEXT NOT NULL REFERENCES identities(id),
    spiffe_id TEXT NOT NULL,
    audience TEXT NOT NULL,
    scope TEXT NOT NULL,
    environment TEXT NOT NULL,
    kid TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ACTIVE','ROTATED','EXPIRED','REVOKED')),
    dpop_jkt TEXT,
    rotated_to TEXT,
    changed_at INTEGER,
    reason TEXT
  ) STRICT;
  INSERT INTO credentials_by_id (jti, agent_id, spiffe_id, audience, scope, environment, kid, issued_at, expires_at, state, dpop_jkt, rotated_to, changed_at, reason)
    SELECT jti, agent_id, spiffe_id, audience, scope, environment, kid, issued_at, expires_at, state, dpop_jkt, rotated_to, changed_at, reason FROM credentials ORDER BY issued_at, jti;
  DROP TABLE credentials;
  ALTER TABLE credentials_by_id RENAME TO credentials;
  CREATE INDEX credentials_agent_state ON credentials(agent_id, state);
  CREATE INDEX credentials_expiry ON credentials(expires_at);
  CREATE UNIQUE INDEX credentials_named ON credentials(jti) WHERE jti NOT LIKE '%.%';
  `,
];
