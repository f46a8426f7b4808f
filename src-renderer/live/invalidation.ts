import { queryKeys } from '../api/query-keys.js';

type Key = readonly string[];

// What an audit record of each kind may have changed, by the kind's first word. Gateway
// decisions (the bulk of the traffic) touch only the gateway view's queries.
const touched: Readonly<Record<string, readonly Key[]>> = {
  identity: [queryKeys.identities, queryKeys.status, queryKeys.credentials, queryKeys.delegation, queryKeys.reaper],
  join_token: [queryKeys.identities],
  attestation: [queryKeys.identities, queryKeys.status],
  credential: [queryKeys.credentials, queryKeys.identities, queryKeys.delegation],
  token: [queryKeys.credentials, queryKeys.delegation],
  delegation: [queryKeys.delegation, queryKeys.credentials],
  grant: [queryKeys.approvals, queryKeys.grants, queryKeys.delegation],
  passkey: [queryKeys.passkeys],
  server: [queryKeys.servers],
  gateway: [queryKeys.gateway],
  key: [queryKeys.keys],
  keys: [queryKeys.keys],
  reaper: [queryKeys.identities, queryKeys.status, queryKeys.grants, queryKeys.reaper, queryKeys.credentials],
  owner: [queryKeys.owners, queryKeys.reaper],
};

/** The query keys a new audit record of `kind` makes stale. */
export function keysTouchedBy(kind: string): readonly Key[] {
  const head = kind.split('.', 1)[0] ?? '';
  return Object.hasOwn(touched, head) ? (touched[head] ?? []) : [];
}
