// Charon's own TLS CA: a certificate it issues is trusted by a client holding only the CA, for
// names in the trust domain; the CA is name-constrained, so even its own key cannot vouch for a
// name outside the domain.
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTlsCa, issueServerCertificate } from '../crypto/tls-certificates.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';

let t: TestPlane | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Serves `cert` on loopback and connects with only `ca` trusted, as `servername`; resolves with the TLS outcome. */
async function handshake(cert: { certPem: string; keyPem: string }, ca: string, servername: string): Promise<string> {
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername, ca }, () => {
        resolve('trusted');
        socket.end();
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(`${error.code ?? ''}: ${error.message}`));
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe("Charon's TLS CA", () => {
  it('issues a certificate for names in the trust domain that a client trusting only the CA accepts; the CA persists across opens', async () => {
    t = await openTestPlane({ trustDomain: 'team.charon.test' });
    const issued = await t.plane.tls.issue(['console.team.charon.test', 'agents.team.charon.test'], 'operator');
    expect(await handshake(issued, issued.caPem, 'console.team.charon.test')).toBe('trusted');
    expect(await handshake(issued, issued.caPem, 'agents.team.charon.test')).toBe('trusted');
    expect(await handshake(issued, issued.caPem, 'other.team.charon.test')).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID: /);
    expect(await t.plane.tls.caCertificate('operator')).toBe(issued.caPem);
    expect(t.plane.store.audit.list({ limit: 20, kind: 'tls.issue' }).at(-1)?.details).toMatchObject({ names: ['console.team.charon.test', 'agents.team.charon.test'] });
  });

  it('refuses to issue for a name outside the trust domain: ERR_INVALID_INPUT', async () => {
    t = await openTestPlane({ trustDomain: 'team.charon.test' });
    await expect(t.plane.tls.issue(['bank.example'], 'operator')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(t.plane.tls.issue(['evilteam.charon.test'], 'operator')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });

  it("a certificate for a name outside the domain, signed with the CA's own key: refused by the client (name constraints)", async () => {
    // The attacker holds a Charon CA's key (a stolen store and master key): they still cannot vouch for bank.example.
    const ca = await createTlsCa('team.charon.test', Date.now());
    const forged = await issueServerCertificate(ca, ['bank.example'], Date.now());
    expect(await handshake(forged, ca.certPem, 'bank.example')).toMatch(/permitted subtree violation/);
    const honest = await issueServerCertificate(ca, ['console.team.charon.test'], Date.now());
    expect(await handshake(honest, ca.certPem, 'console.team.charon.test')).toBe('trusted');
  });
});
