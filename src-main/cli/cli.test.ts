import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, charon, startServe } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';

let dataDir: string;
beforeAll(() => assertBuilt());
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const cli = (...args: string[]) => charon(['--data-dir', dataDir, ...args]);

async function attest(agentUrl: string, agentId: string, token: string): Promise<{ svid: string; jti: string }> {
  const res = await fetch(`${agentUrl}/v1/attest/join-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agent_id: agentId, token }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { svid: string; jti: string };
}

// Each CLI run is a fresh Node process opening the store: on a loaded 2-core machine several take seconds each.
// Each test starts the CLI (and some `charon serve`) many times, a process start each: on a busy
// 2-CPU machine some take most of the suite's default 20 s (one ran 21 s with another build running).
describe('charon CLI', { timeout: 60_000 }, () => {
  it('registers, attests, issues and verifies through the command line, with JSON output', { timeout: 90_000 }, () => {
    dataDir = tempDir();
    expect(cli('agent', 'register', 'builder', '--owner', 'alice', '--env', 'dev', '--scope', 'files:read').status).toBe(0);
    const join = JSON.parse(cli('join-token', 'create', 'builder', '--json').stdout) as { token: string };
    expect(join.token).toMatch(/^cjt_/);
    const refused = cli('token', 'issue', 'builder');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('ERR_IDENTITY_NOT_ACTIVE');
    const list = JSON.parse(cli('agent', 'list', '--json').stdout) as { id: string; state: string }[];
    expect(list).toEqual([expect.objectContaining({ id: 'builder', state: 'PROVISIONED' })]);
  });

  it('refuses an illegal transition with a typed error and a non-zero exit', () => {
    dataDir = tempDir();
    cli('agent', 'register', 'builder', '--owner', 'alice', '--env', 'dev');
    const result = cli('agent', 'transition', 'builder', 'DECOMMISSIONED');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ERR_ILLEGAL_TRANSITION');
  });

  it('exits 2 on usage errors', () => {
    dataDir = tempDir();
    expect(cli('frobnicate').status).toBe(2);
    expect(cli('agent', 'register', 'x', '--bogus').status).toBe(2);
    expect(cli('agent', 'register', 'Bad Id', '--owner', 'a', '--new-owner', '--env', 'dev').status).toBe(2);
  });

  it('owner typo: an owner name nobody uses is refused with the nearest known one, unless --new-owner', { timeout: 90_000 }, () => {
    dataDir = tempDir();
    expect(cli('agent', 'register', 'first', '--owner', 'alice', '--env', 'dev').status).toBe(0);
    const typo = cli('agent', 'register', 'second', '--owner', 'alcie', '--env', 'dev');
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('ERR_OWNER_NOT_FOUND');
    expect(typo.stderr).toContain("did you mean 'alice'?");
    expect(JSON.parse(cli('agent', 'list', '--json').stdout)).toHaveLength(1);
    expect(cli('agent', 'register', 'second', '--owner', 'bob', '--new-owner', '--env', 'dev').status).toBe(0);
  });

  it('turns just-in-time consent on and off for an agent', { timeout: 90_000 }, () => {
    dataDir = tempDir();
    cli('agent', 'register', 'builder', '--owner', 'alice', '--env', 'dev');
    const on = cli('agent', 'jit', 'builder', 'on', '--json');
    expect(on.status).toBe(0);
    expect(JSON.parse(on.stdout)).toMatchObject({ agentId: 'builder', enabled: true, holdSeconds: 30 });
    expect(cli('agent', 'jit', 'builder', 'off').stdout).toContain('off for builder');
    expect(cli('agent', 'jit', 'nobody', 'on').status).toBe(1);
    expect(cli('agent', 'jit', 'builder', 'maybe').status).toBe(2);
  });

  it('serves agents over loopback, shares the store with the CLI, and stops cleanly on SIGTERM', async () => {
    dataDir = tempDir();
    cli('agent', 'register', 'builder', '--owner', 'alice', '--env', 'prod', '--scope', 'files:read');
    const { token } = JSON.parse(cli('join-token', 'create', 'builder', '--json').stdout) as { token: string };
    const served = await startServe(dataDir);
    expect(served.agentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.bridgeUrl).toMatch(/^http:\/\/localhost:\d+\/#token=/);
    const { svid } = await attest(served.agentUrl, 'builder', token);
    // The CLI revokes while serve is running; serve sees it on the very next request.
    expect(cli('agent', 'kill', 'builder').status).toBe(0);
    const rotate = await fetch(`${served.agentUrl}/v1/credentials/rotate`, { method: 'POST', headers: { authorization: `Bearer ${svid}` } });
    expect(rotate.status).toBe(401);
    expect(((await rotate.json()) as { code: string }).code).toBe('ERR_CREDENTIAL_REVOKED');
    served.child.kill('SIGTERM');
    expect(await served.exited, served.stderr()).toBe(0);
    const verify = cli('audit', 'verify', '--json');
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, firstBad: null });
  });

  it('loses no acknowledged issuance when the control plane is killed with SIGKILL mid-load', async () => {
    dataDir = tempDir();
    cli('agent', 'register', 'worker', '--owner', 'alice', '--env', 'dev', '--scope', 'files:read');
    const { token } = JSON.parse(cli('join-token', 'create', 'worker', '--json').stdout) as { token: string };
    const served = await startServe(dataDir);
    const { svid } = await attest(served.agentUrl, 'worker', token);
    const acknowledged: string[] = [];
    // Kill while 8 requests are in flight, once 150 have been acknowledged.
    const load = Array.from({ length: 8 }, async () => {
      for (;;) {
        try {
          const res = await fetch(`${served.agentUrl}/v1/credentials`, { method: 'POST', headers: { authorization: `Bearer ${svid}`, 'content-type': 'application/json' }, body: '{}' });
          if (res.status === 200) acknowledged.push(((await res.json()) as { jti: string }).jti);
          if (acknowledged.length === 150) served.child.kill('SIGKILL');
        } catch {
          return; // the process is gone
        }
      }
    });
    await Promise.all(load);
    expect(await served.exited).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);

    const db = openRawDb(dataDir, { readonly: true });
    const stored = new Set((db.prepare('SELECT jti FROM credentials').pluck().all() as string[]));
    const audited = new Set(
      (db.prepare("SELECT details FROM audit_events WHERE kind = 'credential.issue' AND decision = 'allow'").pluck().all() as string[]).map((d) => (JSON.parse(d) as { jti: string }).jti),
    );
    db.close();
    for (const jti of acknowledged) {
      expect(stored.has(jti)).toBe(true);
      expect(audited.has(jti)).toBe(true);
    }
    const verify = cli('audit', 'verify', '--json');
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
  });

  it('exports the audit chain as JSON Lines that verify offline with only the trust bundle, and locates tampering', { timeout: 90_000 }, () => {
    dataDir = tempDir();
    cli('agent', 'register', 'a1', '--owner', 'alice', '--env', 'dev');
    cli('agent', 'register', 'a2', '--owner', 'bob', '--new-owner', '--env', 'test');
    cli('agent', 'revoke', 'a2', '--reason', 'left the team');
    const exportFile = join(dataDir, 'audit.jsonl');
    const bundleFile = join(dataDir, 'bundle.json');
    expect(cli('audit', 'export', '--out', exportFile).status).toBe(0);
    writeFileSync(bundleFile, cli('keys', 'bundle').stdout);
    const offline = charon(['audit', 'verify', '--file', exportFile, '--bundle', bundleFile, '--json']);
    expect(offline.status).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ ok: true, records: 3 });

    // Edit record 2 in the export: the offline verifier names it.
    const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
    const edited = lines.map((l) => (l.includes('"seq":2,') && l.includes('"type":"event"') ? l.replace('"owner":"bob"', '"owner":"mallory"') : l));
    writeFileSync(exportFile, `${edited.join('\n')}\n`);
    const broken = charon(['audit', 'verify', '--file', exportFile, '--bundle', bundleFile, '--json']);
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBad: { seq: 2, problem: 'edited' } });

    // A bundle without the signing key cannot vouch for the export.
    writeFileSync(bundleFile, JSON.stringify({ keys: [], spiffe_sequence: 1, spiffe_refresh_hint: 300 }));
    writeFileSync(exportFile, `${lines.join('\n')}\n`);
    expect(charon(['audit', 'verify', '--file', exportFile, '--bundle', bundleFile]).status).toBe(1);
  });

  it('audit verify exits non-zero and names the record when the database is edited', { timeout: 90_000 }, () => {
    dataDir = tempDir();
    cli('agent', 'register', 'a1', '--owner', 'alice', '--env', 'dev');
    cli('agent', 'register', 'a2', '--owner', 'alice', '--env', 'dev');
    const db = openRawDb(dataDir);
    db.prepare("UPDATE audit_events SET actor = 'nobody' WHERE seq = 1").run();
    db.close();
    const result = cli('audit', 'verify');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('BROKEN at record 1');
  });
});
