// The operator API through the bridge (as the console calls it, the secret from the URL
// fragment), and the agent listener as an agent calls it.
export function operatorFor(bridge: string) {
  const url = new URL(bridge);
  const secret = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  return async function operator<T>(method: string, input: unknown): Promise<T> {
    const res = await fetch(`${url.origin}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    const body = (await res.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.code} ${body.error?.message}`);
    return body.value as T;
  };
}

export function agentFor(agentUrl: string) {
  return async function agentCall<T>(method: string, path: string, svid: string | null, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${agentUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(svid ? { authorization: `Bearer ${svid}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
}

/** Registers an agent and attests it with a fresh join token; returns its JWT-SVID. */
export async function activeAgent(bridge: string, agentUrl: string, id: string, owner: string, scopes: readonly string[] = []): Promise<string> {
  const operator = operatorFor(bridge);
  await operator('identities.register', { id, owner, environment: 'dev', scopes });
  const { token } = await operator<{ token: string }>('joinTokens.create', { agentId: id });
  const attested = await agentFor(agentUrl)<{ svid: string }>('POST', '/v1/attest/join-token', null, { agent_id: id, token });
  if (attested.status !== 200) throw new Error(`attestation of ${id} failed: HTTP ${attested.status}`);
  return attested.body.svid;
}

/** RFC 8693 token exchange at /v1/token: the holder of `subjectToken` hands `scope` to the agent whose own credential is `actorToken`. */
export async function exchangeToken(agentUrl: string, subjectToken: string, actorToken: string, scope: string): Promise<{ access_token: string; delegation_id: string }> {
  const jwt = 'urn:ietf:params:oauth:token-type:jwt';
  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: subjectToken, subject_token_type: jwt, actor_token: actorToken, actor_token_type: jwt, scope });
  const res = await fetch(`${agentUrl}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${subjectToken}` }, body: form });
  if (res.status !== 200) throw new Error(`token exchange refused: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { access_token: string; delegation_id: string };
}
