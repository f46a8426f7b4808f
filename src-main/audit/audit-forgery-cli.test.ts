// Issue 13, item 5, through the real CLI on a real database file: someone who can write
// charon.db but does not hold the master key appends a record with a correct prev_hash and
// hash. Charon must name it, and must never sign a checkpoint over it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashAuditRecord } from './record-hash.js';
import { assertBuilt, charon, cliFor } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';

let dataDir = '';
const { cli } = cliFor(() => dataDir);

beforeAll(() => assertBuilt());
afterEach(() => {
  dataDir = '';
});

/** A few real records, signed off by a checkpoint (every CLI command ends with one). */
function history(): void {
  dataDir = tempDir();
  expect(cli('agent', 'register', 'a1', '--owner', 'alice', '--env', 'dev').status).toBe(0);
  expect(cli('agent', 'register', 'a2', '--owner', 'bob', '--new-owner', '--env', 'dev').status).toBe(0);
  expect(cli('audit', 'verify').status).toBe(0);
}

/** Appends a record as the attacker would: right seq, right prev_hash, right hash, no MAC (no key). */
function forgeAppend(): number {
  const db = openRawDb(dataDir);
  try {
    const head = db.prepare('SELECT seq, hash, time FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string; time: number };
    const forged = { seq: head.seq + 1, time: head.time + 1, actor: 'operator', kind: 'grant.create', subject: 'grt_forged00000000', decision: 'allow' as const, details: { agentId: 'a1', note: 'never approved' }, prevHash: head.hash };
    db.prepare('INSERT INTO audit_events (seq, time, actor, kind, subject, decision, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      forged.seq, forged.time, forged.actor, forged.kind, forged.subject, forged.decision, JSON.stringify(forged.details), forged.prevHash, hashAuditRecord(forged),
    );
    return forged.seq;
  } finally {
    db.close();
  }
}

function newestCheckpoint(): number {
  const db = openRawDb(dataDir, { readonly: true });
  try {
    return (db.prepare('SELECT max(seq) AS seq FROM audit_checkpoints').get() as { seq: number }).seq;
  } finally {
    db.close();
  }
}

// Each test runs the CLI six or seven times, a process start each: on a busy 2-CPU machine that is
// more than the suite's default 20 s.
describe('a forged append by someone without the master key', { timeout: 60_000 }, () => {
  it('forged append with correct prev_hash and hash: audit verify exits 1 naming the record', () => {
    history();
    const forged = forgeAppend();
    const verify = cli('audit', 'verify', '--json');
    expect(verify.status).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, firstBad: { seq: forged, problem: 'unauthenticated' } });
    expect(cli('audit', 'verify').stdout + cli('audit', 'verify').stderr).toMatch(new RegExp(`record ${forged} was not written by Charon`));
  });

  it('checkpoint signed over a forged append: the next command refuses to sign it, and says so', () => {
    history();
    const before = newestCheckpoint();
    const forged = forgeAppend();
    // Any command: it appends its own (genuine) record, then would sign the head on closing.
    const listed = cli('agent', 'register', 'a3', '--owner', 'carol', '--new-owner', '--env', 'dev');
    expect(listed.status).toBe(0);
    expect(listed.stderr).toContain('ERR_AUDIT_UNAUTHENTICATED');
    expect(listed.stderr).toContain(`record ${forged} is not authenticated`);
    expect(newestCheckpoint()).toBe(before);
    expect(newestCheckpoint()).toBeLessThan(forged);
  });

  it('an export after a forged append does not verify offline (no checkpoint covers the forgery)', () => {
    history();
    forgeAppend();
    const exportFile = join(dataDir, 'audit.jsonl');
    const bundleFile = join(dataDir, 'bundle.json');
    cli('audit', 'export', '--out', exportFile);
    writeFileSync(bundleFile, cli('keys', 'bundle').stdout);
    const offline = charon(['audit', 'verify', '--file', exportFile, '--bundle', bundleFile, '--json']);
    expect(offline.status).toBe(1);
    expect(JSON.parse(offline.stdout)).toMatchObject({ ok: false });
  });

  it('export with two lines swapped reports a reordering at the first of them, not records missing', () => {
    history();
    expect(cli('agent', 'register', 'a3', '--owner', 'carol', '--new-owner', '--env', 'dev').status).toBe(0);
    const exportFile = join(dataDir, 'audit.jsonl');
    const bundleFile = join(dataDir, 'bundle.json');
    expect(cli('audit', 'export', '--out', exportFile).status).toBe(0);
    writeFileSync(bundleFile, cli('keys', 'bundle').stdout);
    const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
    const events = lines.flatMap((l, i) => (l.includes('"type":"event"') ? [i] : []));
    const [a, b] = [events[1] as number, events[2] as number];
    const firstSeq = (JSON.parse(lines[a] as string) as { seq: number }).seq;
    [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
    writeFileSync(exportFile, `${lines.join('\n')}\n`);
    const offline = charon(['audit', 'verify', '--file', exportFile, '--bundle', bundleFile, '--json']);
    expect(offline.status).toBe(1);
    expect(JSON.parse(offline.stdout)).toMatchObject({ ok: false, firstBad: { seq: firstSeq, problem: 'reordered' } });
  });
});
