// Team mode (issue 17): agents on other hosts reach `charon serve --listen` over TLS, on a second
// loopback address (127.0.0.2) standing in for another host, with a certificate naming it.
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharonAgent, CharonRequestError } from '../agent-client/charon-agent.js';
import { DpopKey } from '../agent-client/dpop-key.js';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { ControlPlane } from '../app/control-plane.js';
import { assertBuilt, charon, discardServe, startServe, type Served } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';
import { textOf } from '../test-support/gateway-harness.js';
import { makeCertificates } from '../test-support/https-fixture.js';
import { AUDIENCE, cluster, ISSUER, mint, NS, SA, type Cluster } from '../test-support/k8s-cluster.js';
import { connectMcp, prepareDataDir } from '../test-support/serve-load.js';

const dataDir = tempDir('charon-remote-');
const files = tempDir('charon-remote-tls-');
let served: Served | null = null;
let tokens: { id: string; joinToken: string }[] = [];
let kube: Cluster | undefined;
const { ca, key, cert } = makeCertificates('DNS:agents.charon.test,IP:127.0.0.2');
const other = makeCertificates('DNS:agents.charon.test,IP:127.0.0.2');

beforeAll(async () => {
  assertBuilt();
  writeFileSync(join(files, 'cert.pem'), cert);
  writeFileSync(join(files, 'key.pem'), key, { mode: 0o600 });
  tokens = await prepareDataDir(dataDir, 3);
  // A cluster whose pods attest by their projected service-account tokens.
  kube = await cluster();
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ kubernetes: { issuer: ISSUER, audience: AUDIENCE, jwksFile: kube.jwksFile } }));
  const plane = await ControlPlane.open({ dataDir });
  try {
    await plane.handlers['identities.register']({ id: 'pod-agent', owner: 'alice', environment: 'dev', selectors: [`k8s:ns:${NS}`, `k8s:sa:${SA}`], scopes: ['tools:call'] });
    await plane.handlers['grants.create']({ spec: grantSpecSchema.parse({ agentId: 'pod-agent', environment: 'dev', servers: { everything: { tools: { echo: {} } } } }) });
  } finally {
    await plane.close();
  }
  served = await startServe(dataDir, ['--no-bridge', '--listen', '127.0.0.2:0', '--tls-cert', join(files, 'cert.pem'), '--tls-key', join(files, 'key.pem'), '--listen-name', '127.0.0.2', '--listen-name', 'agents.charon.test']);
}, 60_000);

afterAll(async () => {
  await discardServe(served, dataDir);
  kube?.dispose();
});

/** GET over TLS to 127.0.0.2 (the certificate checked for agents.charon.test), with the Host header given. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'GET', ca, servername: 'agents.charon.test', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the remote agent listener (TLS)', () => {
  it('a remote agent attests over TLS with a DPoP key and calls tools through the gateway', async () => {
    expect(served?.remoteUrl).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
    const { id, joinToken } = tokens[0] as { id: string; joinToken: string };
    const agent = new CharonAgent({ url: served?.remoteUrl as string, agentId: id, joinToken, ca, dpopKey: await DpopKey.generate() });
    await agent.attest();
    expect(agent.spiffeId).toBe(`spiffe://charon.local/agent/${id}`);
    const client = await connectMcp(agent);
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'ok-over-tls' } }))).toContain('ok-over-tls');
    await client.close();
  });

  it('a pod on another host attests with its projected service-account token over TLS, and calls tools', async () => {
    const agent = new CharonAgent({ url: served?.remoteUrl as string, agentId: 'pod-agent', k8sToken: () => mint(kube as Cluster, { nowMs: Date.now() }), ca });
    await agent.attest();
    expect(agent.spiffeId).toBe('spiffe://charon.local/agent/pod-agent');
    const client = await connectMcp(agent);
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'from the pod' } }))).toContain('from the pod');
    await client.close();
  });

  it('answers to its configured names only: another Host is refused ERR_BAD_HOST', async () => {
    const url = `${served?.remoteUrl as string}/.well-known/oauth-protected-resource/mcp`;
    const port = new URL(url).port;
    const named = await getWithHost(url, `agents.charon.test:${port}`);
    expect(named.status).toBe(200);
    // The metadata names the https origin the agent used.
    expect(JSON.parse(named.body)).toMatchObject({ resource: `https://agents.charon.test:${port}/mcp` });
    const rebound = await getWithHost(url, `evil.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ code: 'ERR_BAD_HOST' });
    // The loopback names of the plain listener are not this listener's.
    expect((await getWithHost(url, `127.0.0.1:${port}`)).status).toBe(403);
  });

  it('an agent that does not trust the certificate (another CA) never sends its join token', async () => {
    const { id, joinToken } = tokens[1] as { id: string; joinToken: string };
    const agent = new CharonAgent({ url: served?.remoteUrl as string, agentId: id, joinToken, ca: other.ca });
    const refused = await agent.attest().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(CharonRequestError);
    expect((refused as CharonRequestError).code).toBe('ERR_GATEWAY_UNREACHABLE');
    // The join token is still unused: the right agent attests with it.
    const right = new CharonAgent({ url: served?.remoteUrl as string, agentId: id, joinToken, ca });
    await right.attest();
    expect(right.spiffeId).toBe(`spiffe://charon.local/agent/${id}`);
  });

  it('plain HTTP off loopback is refused at start: --listen without a certificate exits 2, nothing listens', () => {
    for (const listen of ['127.0.0.2:0', '0.0.0.0:0']) {
      const r = charon(['--data-dir', dataDir, 'serve', '--no-bridge', '--listen', listen]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('ERR_INVALID_INPUT');
      expect(r.stderr).toContain('TLS only');
    }
  });
});
