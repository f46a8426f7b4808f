// Team mode's remote console end to end: `charon serve` with a console on 127.0.0.2 over TLS,
// its certificate issued by Charon's own CA for the trust domain (`charon tls issue`), opened by
// name in Debian's Chromium (the name mapped to 127.0.0.2, the leaf's key pinned as Chrome's
// test flag allows, so the page is a secure context and WebAuthn runs against the real RP ID).
// Operators enrol with their invite links and sign in with a virtual authenticator each: alice
// sees only her agents' requests and approves one; bob cannot approve it; a prod grant under
// 2 of 3 approvers is enforced only after the second passkey.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { findChromium } from './support/chromium.js';
import { agentFor, operatorFor } from './support/operator.js';
import { startServe, type RunningServe } from './support/serve.js';
import { addVirtualAuthenticator } from './support/virtual-authenticator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const memoryServer = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-memory/dist/index.js', import.meta.url));
const DOMAIN = 'team.charon.test';
const NAME = `console.${DOMAIN}`;

let dir = '';
let serve: RunningServe | null = null;
let browser: Browser | null = null;
let consoleUrl = '';
const invites = new Map<string, string>();

const charon = (...args: string[]): string => execFileSync(process.execPath, [join(root, 'bin', 'charon.js'), ...args, '--data-dir', join(dir, 'data')], { cwd: root, encoding: 'utf8' });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'charon-e2e-team-'));
  const data = join(dir, 'data');
  const tls = join(dir, 'tls');
  mkdirSync(tls);
  const port = await freePort();
  mkdirSync(data);
  writeFileSync(
    join(data, 'config.json'),
    JSON.stringify({
      trustDomain: DOMAIN,
      console: { address: '127.0.0.2', port, name: NAME, certFile: join(tls, 'cert.pem'), keyFile: join(tls, 'key.pem') },
      quorum: [{ environment: 'prod', required: 2, approvers: ['alice', 'bob', 'carol'] }],
      // This spec is about who approves; the prod agent calls with a bearer SVID (DPoP has its own tests).
      dpopRequired: [],
    }),
  );
  charon('tls', 'issue', NAME, '--out', tls);
  for (const id of ['alice', 'bob', 'carol']) invites.set(id, (JSON.parse(charon('operator', 'invite', id, '--json')) as { url: string }).url);
  serve = await startServe(root, data);
  consoleUrl = `https://${NAME}:${port}`;
  const leaf = new X509Certificate(readFileSync(join(tls, 'cert.pem')));
  const spki = createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  browser = await chromium.launch({
    executablePath: findChromium(),
    args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP ${NAME} 127.0.0.2`, `--ignore-certificate-errors-spki-list=${spki}`],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One operator's browser with their own authenticator: enrols with the invite link, then signs in. */
async function operatorPage(id: string): Promise<Page> {
  const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await addVirtualAuthenticator(page);
  await page.goto(invites.get(id) as string);
  await expect(page.getByRole('heading', { name: 'Charon team console' })).toBeVisible();
  await page.getByRole('button', { name: 'Enrol a passkey' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Passkey enrolled' })).toContainText(`Passkey enrolled for ${id}`);
  await page.getByRole('button', { name: 'Sign in with passkey' }).click();
  await expect(page.getByText(`Signed in as ${id}`)).toBeVisible();
  return page;
}

test('operators sign in with passkeys; each sees and approves only their own agents’ requests; a prod grant needs 2 of 3 passkeys', async () => {
  test.setTimeout(150_000);
  const ready = (serve as RunningServe).ready;
  const operator = operatorFor(ready.bridgeUrl);
  const agent = agentFor(ready.agentUrl);
  await operator('servers.set', { name: 'memory', config: { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') } } });
  const svidOf = async (id: string, owner: string, environment: 'dev' | 'prod'): Promise<string> => {
    await operator('identities.register', { id, owner, environment });
    const { token } = await operator<{ token: string }>('joinTokens.create', { agentId: id });
    return (await agent<{ svid: string }>('POST', '/v1/attest/join-token', null, { agent_id: id, token })).body.svid;
  };
  const ask = async (svid: string, agentId: string, environment: 'dev' | 'prod') =>
    (await agent<{ id: string }>('POST', '/v1/grant-requests', svid, { spec: { agentId, environment, servers: { memory: { tools: { read_graph: {} } } } }, purpose: `${agentId}: read the graph` })).body.id;

  // `charon operator invite` printed each operator's link to this console, the code in the fragment.
  for (const url of invites.values()) expect(url.startsWith(`${consoleUrl}/#invite=inv_`)).toBe(true);

  const aliceSvid = await svidOf('alice-notes', 'alice', 'dev');
  const bobSvid = await svidOf('bob-notes', 'bob', 'dev');
  await ask(aliceSvid, 'alice-notes', 'dev');
  await ask(bobSvid, 'bob-notes', 'dev');

  const alice = await operatorPage('alice');
  // An owner's console: their approvals, agents and grants; nothing of the server's administration.
  const nav = alice.getByRole('navigation', { name: 'Console' });
  await expect(nav.getByRole('button')).toHaveText([/^Approvals/, 'Identities', 'Grants']);
  await expect(alice.getByRole('article', { name: 'alice-notes asks for 1 tool' })).toBeVisible();
  await expect(alice.getByRole('article', { name: 'bob-notes asks for 1 tool' })).toHaveCount(0);

  // Bob cannot approve alice's request, even by calling the API from his own signed-in page.
  const bob = await operatorPage('bob');
  await expect(bob.getByRole('article', { name: 'bob-notes asks for 1 tool' })).toBeVisible();
  await expect(bob.getByRole('article', { name: 'alice-notes asks for 1 tool' })).toHaveCount(0);
  const aliceRequest = (await operator<{ request: { id: string; agentId: string; spec: unknown } }[]>('approvals.list', {})).find((i) => i.request.agentId === 'alice-notes')?.request;
  const forged = await bob.evaluate(
    async (r) => (await (await fetch('/api/approvals.begin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId: r?.id, spec: r?.spec }) })).json()) as { error?: { code: string } },
    aliceRequest,
  );
  expect(forged.error?.code).toBe('ERR_FORBIDDEN');

  // Alice approves hers with her passkey; the chain names her.
  const card = alice.getByRole('article', { name: 'alice-notes asks for 1 tool' });
  await card.getByRole('button', { name: 'Approve with passkey for alice-notes' }).click();
  await expect(alice.getByRole('status').filter({ hasText: 'Approved' })).toContainText("Approved alice-notes's request: grant grt_");
  const approvals = await operator<{ actor: string; details: { agentId?: string } }[]>('audit.list', { kind: 'grant.approve', limit: 10 });
  expect(approvals.find((r) => r.details.agentId === 'alice-notes')?.actor).toBe('operator:alice');

  // Prod, 2 of 3: alice's signature alone grants nothing; bob's makes the grant, and the gateway lets the call through.
  const paySvid = await svidOf('pay-bot', 'alice', 'prod');
  await ask(paySvid, 'pay-bot', 'prod');
  // The agent's own view through the gateway: which tools it is shown, and whether the call goes through.
  const call = async (): Promise<string> => {
    const client = new Client({ name: 'pay-bot', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', ready.agentUrl), { requestInit: { headers: { authorization: `Bearer ${paySvid}` } } }));
    try {
      const listed = (await client.listTools()).tools.map((t) => t.name).join(',');
      const result = await client.callTool({ name: 'memory__read_graph', arguments: {} }).catch(() => ({ isError: true }));
      return `${listed || '-'} ${result.isError ? 'refused' : 'answered'}`;
    } finally {
      await client.close();
    }
  };
  const prodCard = alice.getByRole('article', { name: 'pay-bot asks for 1 tool' });
  await expect(prodCard.getByTestId('quorum')).toContainText('Needs 2 of 3 approvers’ passkeys (alice, bob, carol)');
  await prodCard.getByRole('button', { name: 'Sign with passkey for pay-bot' }).click();
  await expect(alice.getByRole('status').filter({ hasText: 'Signed' })).toContainText('1 of 2 approvals. Nothing is granted until another approver signs.');
  await expect(prodCard.getByTestId('quorum')).toContainText('Signed by alice.');
  await expect(prodCard.getByRole('button', { name: 'Sign with passkey for pay-bot' })).toBeDisabled();
  await expect(prodCard).toContainText('You signed this request; it waits for another approver.');
  expect(await operator<unknown[]>('grants.list', { agentId: 'pay-bot' })).toEqual([]);
  expect(await call()).toBe('- refused');

  const bobCard = bob.getByRole('article', { name: 'pay-bot asks for 1 tool' });
  await expect(bobCard.getByTestId('quorum')).toContainText('Signed by alice.');
  await bobCard.getByRole('button', { name: 'Sign with passkey for pay-bot' }).click();
  await expect(bob.getByRole('status').filter({ hasText: 'Approved' })).toContainText("Approved pay-bot's request: grant grt_");
  const [grant] = await operator<{ id: string }[]>('grants.list', { agentId: 'pay-bot' });
  const verified = await operator<{ ok: boolean; signatures: { operatorId: string; ok: boolean }[] }>('grants.verify', { id: grant?.id });
  expect(verified.ok).toBe(true);
  expect(verified.signatures.map((s) => `${s.operatorId}:${s.ok}`)).toEqual(['alice:true', 'bob:true']);
  await expect.poll(call).toBe('memory__read_graph answered');
});
