export const USAGE = `charon — identities, credentials and audit for AI agents

Usage: charon <command> [options]

  serve [--port N] [--bridge-port N] [--trust-domain TD] [--no-bridge]
                                        run the control plane headless (--port 0 picks a free port)
        [--listen ADDR:PORT --tls-cert CERT.pem --tls-key KEY.pem [--listen-name NAME]...]
                                        also serve agents on other hosts, over TLS only, by these names
        [--console ADDR:PORT --console-name NAME --tls-cert CERT.pem --tls-key KEY.pem]
                                        the remote console: operators sign in with their passkeys (team mode)
  operator invite <id> [--role admin|owner]   add a team operator (an owner of agents) and print a one-time enrolment link
  operator list | operator remove <id>
  tls issue <name>... --out DIR         a TLS certificate for these names (in the trust domain) from Charon's own CA
  tls ca [--out FILE]                   that CA's certificate, for agents and browsers to trust
  agent register <id> --owner O --env dev|test|prod [--selector S]... [--scope S]... [--name N] [--new-owner]
  agent list [--state S] [--env E] [--owner O]
  agent show <id>
  agent transition <id> <STATE> [--reason R]
  agent revoke <id> [--reason R]
  agent kill <id> [--reason R]          revoke every credential and the identity at once
  agent jit <id> on|off                 just-in-time consent: a call outside the grant waits for your approval
  join-token create <agent-id> [--ttl SECONDS] [--selector S]...
  token issue <agent-id> [--audience A] [--scope S]... [--ttl SECONDS]
  token inspect <token>                 decode without verifying
  token verify <token> [--audience A]
  token introspect <token>              RFC 7662 view: active or not
  token revoke <jti> [--reason R]
  token list [<agent-id>] [--live]
  keys list | keys rotate [--emergency] [--reason R] | keys bundle
  audit verify [--file EXPORT.jsonl --bundle BUNDLE.json]
  audit export [--out FILE]
  audit list [--limit N]
  grant create --file GRANT.json | --agent ID --env E --tool SERVER__TOOL [--tool ...] [--ttl SECONDS]
  grant list [--agent ID] [--state ACTIVE|REVOKED|EXPIRED]
  grant show <id>
  grant revoke <id> [--reason R]
  grant narrow <id> --file SPEC.json     replace by a spec that allows no more (wider is refused)
  request list                          pending grant requests, each with what it would add (approve in the console)
  reaper preview                        what a run would do now: idle, quarantine, orphans, drift proposals, cleanup, anomalies
  reaper run [--action ID]...           apply every action but proposals, or only the given ones (a drift proposal needs its id)
  owner list | owner set <id> --state ACTIVE|DEPARTED|DISABLED [--reason R]
  grant verify <id>                     re-verify offline that the owner's passkey approved exactly this grant
  delegation authorize <agent-id> --owner O [--scope S]... [--ttl SECONDS] [--file AUTHORITY.json] [--jkt THUMBPRINT]
                                        the owner lets the agent act on their behalf: prints the root token of a chain
  delegation show|revoke <delegation-id> [--reason R]    a hop; revoking takes every hop below it too
  delegation graph [--owner O] [--agent ID] [--live]
  trace <token>                         the chain of a delegated token back to the human: scope, authority, lifetime per hop
  server list
  server add <name> --command C [--arg A]... [--env K=V]... [--cwd D]     a stdio MCP server
  server add <name> --url U [--header K=V]...                            a Streamable HTTP MCP server
  server remove <name>
  server import <path> [--overwrite]    the mcpServers of an MCP client's config file
  export --file FILE                    every row of this store (chain verified, head signed first), for import
  import --file FILE                    into a new store (e.g. --store postgres://…); the chain must verify there
  connect --agent ID [--url http://127.0.0.1:7470] [--server NAME] [--join-token-file F]
          [--key-file F] [--state-file F]
                                        MCP on stdio for a client that launches processes: attests once
                                        (join token from the file or env CHARON_JOIN_TOKEN), keeps its
                                        credential in the state file (0600), renews it, proxies to the gateway

Options for every command:
  --data-dir DIR          data directory (default: the desktop app's; env CHARON_DATA_DIR)
  --passphrase-file FILE  passphrase of a protected master key (or env CHARON_PASSPHRASE)
  --store postgres://…    a team's shared Postgres instead of the SQLite file (or env CHARON_STORE,
                          or config.json's "store"); the password goes in PGPASSWORD or ~/.pgpass
  --json                  machine-readable output

Exit codes: 0 ok, 1 refused or failed (the error code is printed), 2 usage.`;
