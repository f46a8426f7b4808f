// Passkey approvals end to end, in Debian's Chromium with a CDP WebAuthn virtual authenticator:
// the owner enrolls a passkey in the console; an agent (its SVID from a join token) asks for a
// grant on the agent listener; the owner approves a narrowed subset with the passkey; the
// agent's tool call through the gateway then succeeds — and the tool left out stays refused.
// Then a just-in-time call, held while its request waits in the inbox, completes once the owner
// approves it; and the official SDK client connects with OAuth, its consent approved the same way.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, test } from '@playwright/test';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { MemoryOAuthProvider, openAuthorization, resumeAuthorization } from '../src-main/test-support/oauth-client.js';
import { agentFor, operatorFor } from './support/operator.js';
import { ownServe } from './support/own-serve.js';
import { addVirtualAuthenticator } from './support/virtual-authenticator.js';

const memoryServer = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-memory/dist/index.js', import.meta.url));

// A control plane of its own: the first-run passkey banner needs one without a passkey, and the
// spec runs in both projects (light at 1440 px, dark at 1024 px).
const served = ownServe('approvals');
const bridgeUrl = (): string => served.ready().bridgeUrl;
const agentUrl = (): string => served.ready().agentUrl;
const operator = <T>(method: string, input: unknown): Promise<T> => operatorFor(bridgeUrl())<T>(method, input);

const agentCall = <T>(method: string, path: string, svid: string | null, body?: unknown) => agentFor(agentUrl())<T>(method, path, svid, body);

test('enroll a passkey, an agent requests a grant, the owner approves a subset with the passkey, the agent calls the tool through the gateway; a just-in-time call and an OAuth client are approved the same way', async ({ page }) => {
  test.setTimeout(150_000);
  const agentId = 'e2e-approvals';
  await operator('servers.set', { name: 'memory', config: { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: join(mkdtempSync(join(tmpdir(), 'charon-e2e-memory-')), 'memory.jsonl') } } });
  await operator('identities.register', { id: agentId, owner: 'alice', environment: 'dev' });
  const { token } = await operator<{ token: string }>('joinTokens.create', { agentId });
  const attested = await agentCall<{ svid: string }>('POST', '/v1/attest/join-token', null, { agent_id: agentId, token });
  expect(attested.status).toBe(200);
  const svid = attested.body.svid;

  await page.goto(bridgeUrl());
  await addVirtualAuthenticator(page);

  // First run: the console offers to set up a passkey.
  await page.getByRole('complementary', { name: 'First run' }).getByRole('button', { name: 'Set up a passkey' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const enroll = page.getByRole('form', { name: 'Enroll a passkey' });
  await enroll.getByLabel('Passkey name (optional)').fill('virtual authenticator');
  await enroll.getByRole('button', { name: 'Enroll a passkey' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Enrolled passkey' })).toContainText('virtual authenticator');
  await expect(page.getByRole('list', { name: 'Enrolled passkeys' })).toContainText('virtual authenticator');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: /^Approvals/ }).click();

  // The agent asks, for itself only.
  const spec = { agentId, environment: 'dev', servers: { memory: { tools: { read_graph: {}, delete_entities: {} } } } };
  const forOther = await agentCall<{ code: string }>('POST', '/v1/grant-requests', svid, { spec: { ...spec, agentId: 'e2e-agent' }, purpose: 'not mine' });
  expect(forOther.body.code).toBe('ERR_FORBIDDEN');
  const requested = await agentCall<{ id: string; state: string }>('POST', '/v1/grant-requests', svid, { spec, purpose: 'e2e: read the knowledge graph' });
  expect(requested.status).toBe(201);
  expect(requested.body.state).toBe('PENDING');

  // The inbox shows it, with its risk, as readable policy; the badge counts it.
  await expect(page.getByTestId('badge-approvals')).toContainText('1');
  const card = page.getByRole('article', { name: `${agentId} asks for 2 tools` });
  await expect(card).toContainText('e2e: read the knowledge graph');
  await expect(card).toContainText('Risk: transact/delete');
  await expect(card).toContainText('memory__read_graph');
  // Approve less than asked: leave the destructive tool out.
  await card.getByRole('checkbox', { name: 'memory__delete_entities' }).uncheck();
  await card.getByRole('button', { name: `Approve selected with passkey for ${agentId}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Approved' })).toContainText(`Approved ${agentId}'s request: grant grt_`);
  await expect(card).toBeHidden();
  await expect(page.getByTestId('badge-approvals')).toBeHidden();

  // The agent sees the decision; anyone can re-verify the passkey's signature over the stored grant.
  const polled = await agentCall<{ state: string; grantId: string }>('GET', `/v1/grant-requests/${requested.body.id}`, svid);
  expect(polled.body.state).toBe('APPROVED');
  const verified = await operator<{ ok: boolean; method: string }>('grants.verify', { id: polled.body.grantId });
  expect(verified).toMatchObject({ ok: true, method: 'passkey' });

  // A request for more is denied with a reason; the agent sees it and must back off before asking again.
  const more = await agentCall<{ id: string }>('POST', '/v1/grant-requests', svid, { spec: { ...spec, servers: { memory: { tools: { create_entities: {} } } } }, purpose: 'e2e: write the graph' });
  expect(more.status).toBe(201);
  const second = page.getByRole('article', { name: `${agentId} asks for 1 tool` });
  await expect(second).toContainText('Risk: write');
  await second.getByRole('button', { name: `Deny ${agentId}` }).click();
  const dialog = page.getByRole('dialog', { name: `Deny ${agentId}'s request?` });
  await dialog.getByLabel(/Reason/).fill('not this week');
  await dialog.getByRole('button', { name: 'Deny', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Denied' })).toContainText(`Denied ${agentId}'s request.`);
  const deniedPoll = await agentCall<{ state: string; reason: string }>('GET', `/v1/grant-requests/${more.body.id}`, svid);
  expect(deniedPoll.body).toMatchObject({ state: 'DENIED', reason: 'not this week' });
  // The inbox keeps a history: both decisions, the approval with its grant, the denial with its reason.
  await page.getByText('Decided requests').click();
  const decided = page.getByRole('table', { name: 'Decided grant requests, newest first' });
  await expect(decided.locator(`[data-request="${more.body.id}"]`)).toContainText('denied: “not this week”');
  await expect(decided.locator(`[data-request="${requested.body.id}"]`)).toContainText('approved as grt_');
  const tooSoon = await agentCall<{ code: string }>('POST', '/v1/grant-requests', svid, { spec, purpose: 'again' });
  expect(tooSoon.status).toBe(429);
  expect(tooSoon.body.code).toBe('ERR_GRANT_REQUEST_BACKOFF');

  // The agent's call through the gateway now succeeds; the tool left out is not even listed.
  const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', agentUrl()), { requestInit: { headers: { authorization: `Bearer ${svid}` } } }));
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('memory__read_graph');
    expect(tools).not.toContain('memory__delete_entities');
    const result = await client.callTool({ name: 'memory__read_graph', arguments: {} });
    expect(result.isError ?? false).toBe(false);
    const refused = await client.callTool({ name: 'memory__delete_entities', arguments: { entityNames: ['x'] } }).catch((error: unknown) => ({ isError: true, error }));
    expect(refused.isError).toBe(true);
  } finally {
    await client.close();
  }

  // Just-in-time: an agent with JIT on calls a tool it has no grant for. The call is held while
  // the request waits in the inbox; the owner approves it with the passkey and the call completes.
  // (An id that sorts before e2e-doomed: console.spec.ts checks the descending order of e2e- agents.)
  const jitAgent = 'e2e-awaiting-jit';
  await operator('identities.register', { id: jitAgent, owner: 'alice', environment: 'dev' });
  const jitJoin = await operator<{ token: string }>('joinTokens.create', { agentId: jitAgent });
  const jitSvid = (await agentCall<{ svid: string }>('POST', '/v1/attest/join-token', null, { agent_id: jitAgent, token: jitJoin.token })).body.svid;
  await operator('jit.set', { agentId: jitAgent, enabled: true });
  const jitClient = new Client({ name: 'e2e-awaiting-jit', version: '1.0.0' });
  await jitClient.connect(new StreamableHTTPClientTransport(new URL('/mcp', agentUrl()), { requestInit: { headers: { authorization: `Bearer ${jitSvid}` } } }));
  try {
    const held = jitClient.callTool({ name: 'memory__read_graph', arguments: {} });
    const jitCard = page.getByRole('article', { name: `${jitAgent} asks for 1 tool` });
    await expect(jitCard).toContainText('just-in-time');
    // Narrowest first and chosen by default; picking another scope changes what the card says will be granted.
    const scopes = jitCard.getByRole('group', { name: 'Approve for' });
    await expect(scopes.getByRole('radio').first()).toBeChecked();
    await expect(jitCard.locator('.expiry')).toContainText('in 10 minutes');
    // The limits as labelled rows: this call only is one use.
    await expect(jitCard.getByRole('definition').filter({ hasText: 'one call in all' })).toBeVisible();
    await scopes.getByRole('radio').nth(1).check();
    await expect(jitCard.locator('.expiry')).toContainText('in 1 hour');
    await scopes.getByRole('radio').first().check();
    await jitCard.getByRole('button', { name: `Approve with passkey for ${jitAgent}` }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Approved' })).toContainText(`Approved ${jitAgent}'s request`);
    const completed = await held;
    expect(completed.isError ?? false).toBe(false);
  } finally {
    await jitClient.close();
  }

  // OAuth: the official SDK client connects from scratch; its consent is a request in the inbox,
  // approved with the passkey; then it gets a token and calls the approved tool.
  const provider = new MemoryOAuthProvider();
  const gateway = new URL('/mcp', agentUrl());
  await expect(new Client({ name: 'e2e-oauth', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(gateway, { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
  const waiting = await openAuthorization(provider.authorizationUrl as URL);
  expect(waiting.status).toBe(200);
  const oauthCard = page.getByRole('article').filter({ hasText: 'a client that calls itself “SDK test client” (self-declared name' });
  await expect(oauthCard).toContainText('memory__read_graph');
  // The client is named in the heading (as it named itself), with the request id its waiting page shows.
  await expect(oauthCard.getByRole('heading')).toContainText('“SDK test client” (an OAuth client, agent mcp-');
  await expect(oauthCard).toContainText(waiting.requestId as string);
  await oauthCard.getByRole('button', { name: /^Approve with passkey for mcp-/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Approved' })).toContainText("Approved mcp-");
  const callback = await resumeAuthorization(waiting.body, agentUrl());
  const oauthTransport = new StreamableHTTPClientTransport(gateway, { authProvider: provider });
  await oauthTransport.finishAuth(callback.searchParams.get('code') as string);
  const oauthClient = new Client({ name: 'e2e-oauth', version: '1.0.0' });
  await oauthClient.connect(oauthTransport);
  try {
    const called = await oauthClient.callTool({ name: 'memory__read_graph', arguments: {} });
    expect(called.isError ?? false).toBe(false);
  } finally {
    await oauthClient.close();
  }
});
