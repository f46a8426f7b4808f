// Team mode from the server's shell: `charon operator` adds operators with one-time invites,
// `charon tls issue` makes the listeners' certificate from Charon's own CA, and `charon grant
// verify` re-verifies each approver's signature of an M-of-N grant from another process.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GrantSpec } from '../../src-shared/grant.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { assertBuilt, charon } from '../test-support/cli.js';
import { openTestPlane, tempDir } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';
import { SoftAuthenticator } from '../test-support/soft-authenticator.js';

const dirs: string[] = [];
beforeAll(() => assertBuilt());
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('charon operator and charon tls', () => {
  it('invites an operator once per call, lists and removes them; an unknown role is a usage error', () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const invited = charon(['operator', 'invite', 'alice', '--role', 'admin', '--json', '--data-dir', dataDir]);
    expect(invited.status).toBe(0);
    const invite = JSON.parse(invited.stdout) as { code: string; operator: { id: string; role: string }; url: string | null };
    expect(invite.operator).toMatchObject({ id: 'alice', role: 'admin' });
    expect(invite.code).toMatch(/^inv_/);
    expect(invite.url).toBeNull();
    expect(charon(['operator', 'invite', 'bob', '--role', 'root', '--data-dir', dataDir]).status).toBe(2);
    expect(charon(['operator', 'list', '--data-dir', dataDir]).stdout).toMatch(/alice\s+admin\s+0/);
    expect(charon(['operator', 'remove', 'alice', '--data-dir', dataDir]).status).toBe(0);
    const again = charon(['operator', 'invite', 'alice', '--data-dir', dataDir]);
    expect([again.status, again.stderr]).toEqual([1, expect.stringContaining('ERR_OPERATOR_NOT_FOUND')]);
  });

  it('issues a certificate for names in the trust domain (key 0600, never over a file); a name outside it is refused', () => {
    const dataDir = tempDir();
    const out = mkdtempSync(join(tmpdir(), 'charon-tls-'));
    dirs.push(dataDir, out);
    const issued = charon(['tls', 'issue', 'console.team.charon.test', '--out', out, '--trust-domain', 'team.charon.test', '--data-dir', dataDir]);
    expect(issued.status).toBe(0);
    const cert = new X509Certificate(readFileSync(join(out, 'cert.pem')));
    expect(cert.subjectAltName).toBe('DNS:console.team.charon.test');
    expect(cert.verify(new X509Certificate(readFileSync(join(out, 'ca.pem'))).publicKey)).toBe(true);
    expect(statSync(join(out, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(charon(['tls', 'ca', '--trust-domain', 'team.charon.test', '--data-dir', dataDir]).stdout).toBe(readFileSync(join(out, 'ca.pem'), 'utf8'));
    expect(charon(['tls', 'issue', 'console.team.charon.test', '--out', out, '--trust-domain', 'team.charon.test', '--data-dir', dataDir]).status).toBe(1);
    const outside = charon(['tls', 'issue', 'bank.example', '--out', mkdtempSync(join(tmpdir(), 'charon-tls-')), '--trust-domain', 'team.charon.test', '--data-dir', dataDir]);
    expect([outside.status, outside.stderr]).toEqual([2, expect.stringContaining('ERR_INVALID_INPUT')]);
  });
});

describe('charon grant verify, M of N', () => {
  it('lists each approver’s signature, re-verified from another process; exit 1 once one of them is gone', { timeout: 60_000 }, async () => {
    const quorum = [{ environment: 'prod' as const, required: 2, approvers: ['alice', 'bob', 'carol'] }];
    const t = await openTestPlane({ quorum });
    dirs.push(t.dataDir);
    writeFileSync(join(t.dataDir, 'config.json'), JSON.stringify({ quorum }));
    const { plane } = t;
    const rp = { id: 'console.charon.test', origins: ['https://console.charon.test:7444'] };
    const signers = [];
    for (const id of ['alice', 'bob']) {
      const auth = new SoftAuthenticator(rp.origins[0] as string, rp.id);
      const { code } = plane.approvals.operators.invite(id, 'owner', 'operator');
      const begun = await plane.approvals.operators.enrolBegin(code, rp);
      await plane.approvals.operators.enrolComplete(code, begun.ceremonyId, auth.register(begun.options as { challenge: string }), undefined, rp);
      signers.push({ auth, signer: { operatorId: id, rp } });
    }
    await plane.handlers['identities.register']({ id: 'pay-bot', owner: 'alice', environment: 'prod', selectors: [], scopes: [] });
    const parsed = validateOperatorCall('grants.create', { spec: { agentId: 'pay-bot', environment: 'prod', servers: { memory: { tools: { read_graph: {} } } } } });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const spec = (parsed.value.input as { spec: GrantSpec }).spec;
    const request = plane.approvals.requests.request('pay-bot', 'spiffe://charon.local/agent/pay-bot', spec, 'pay');
    let grantId = '';
    for (const { auth, signer } of signers) {
      const challenge = await plane.approvals.approvals.begin(request.id, spec, `operator:${signer.operatorId}`, signer);
      grantId = (await plane.approvals.approvals.complete(request.id, auth.assert(challenge.options as { challenge: string }), `operator:${signer.operatorId}`, signer)).grant?.id ?? '';
    }
    await plane.close();

    const verified = charon(['grant', 'verify', grantId, '--data-dir', t.dataDir]);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/2 of alice, bob, carol needed:\n {4}alice: verified {2}passkey \S+ {2}signed \S+\n {4}bob: verified/);

    const raw = openRawDb(t.dataDir);
    raw.prepare("DELETE FROM approval_signatures WHERE operator_id = 'bob'").run();
    raw.close();
    const short = charon(['grant', 'verify', grantId, '--data-dir', t.dataDir]);
    expect(short.status).toBe(1);
    expect(short.stdout).toContain('NOT verified (quorum-not-met)');
  });
});
