import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditVerifyDto } from '../../src-shared/dto.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { AuditRecord } from '../core/records.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { auditFromRow, type AuditRow } from '../store/audit-repository.js';
import { openRawDb, type RawDb } from '../test-support/raw-db.js';
import { fileMasterKeyProvider } from '../crypto/master-key.js';
import { CHECKPOINT_TYP } from './checkpoint.js';
import { hashAuditRecord } from './record-hash.js';
import { deriveAuditMacKey, macAuditRecord, type AuditMacKey } from './record-mac.js';

let t: TestPlane | undefined;
let raw: RawDb | undefined;
afterEach(async () => {
  raw?.close();
  raw = undefined;
  await t?.close();
  t = undefined;
});

/** A real chain built by real operations: registrations, attestations, issuance, a refusal, revocation. */
async function chain(): Promise<{ tp: TestPlane; db: RawDb; head: number }> {
  const tp = await openTestPlane();
  t = tp;
  const h = tp.plane.handlers;
  await tp.activeAgent('builder');
  await tp.activeAgent('payer');
  await h['credentials.issue']({ agentId: 'builder' });
  await h['credentials.issue']({ agentId: 'payer' });
  await h['identities.transition']({ id: 'payer', to: 'IDLE' });
  await expect(h['identities.transition']({ id: 'payer', to: 'PROVISIONED' })).rejects.toMatchObject({ code: 'ERR_ILLEGAL_TRANSITION' });
  await h['identities.revoke']({ id: 'builder', reason: 'rotation' });
  tp.clock.advance(1000);
  await h['identities.register']({ id: 'later', owner: 'bob', environment: 'prod', selectors: [], scopes: [] });
  const head = (await h['status.get']({})).auditHeadSeq;
  expect(head).toBeGreaterThanOrEqual(15);
  const intact = await verify(tp);
  expect(intact).toMatchObject({ ok: true, records: head, headSeq: head, firstBad: null });
  raw = openRawDb(tp.dataDir);
  return { tp, db: raw, head };
}

const verify = (tp: TestPlane): Promise<AuditVerifyDto> => tp.plane.checkpointer.verify();

function recordAt(db: RawDb, seq: number): AuditRecord {
  return auditFromRow(db.prepare('SELECT * FROM audit_events WHERE seq = ?').get(seq) as AuditRow);
}

/**
 * Writes a row as an attacker would. Without `key` it carries no MAC (the attacker lacks the
 * master key); with it, a valid one: the key leaked too, and the hash chain and the signed
 * checkpoints must still catch what they can on their own (defence in depth).
 */
function write(db: RawDb, r: AuditRecord, mode: 'INSERT' | 'REPLACE', key: AuditMacKey | null = null): void {
  db.prepare(`INSERT OR ${mode === 'INSERT' ? 'ABORT' : 'REPLACE'} INTO audit_events (seq, time, actor, kind, subject, decision, details, prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    r.seq,
    r.time,
    r.actor,
    r.kind,
    r.subject,
    r.decision,
    JSON.stringify(r.details),
    r.prevHash,
    r.hash,
    key ? macAuditRecord(key, r.hash) : null,
  );
}

/** The plane's audit MAC key, as an attacker who also stole the master key file would have it. */
async function leakedKey(tp: TestPlane): Promise<AuditMacKey> {
  return deriveAuditMacKey(await fileMasterKeyProvider().load(tp.dataDir));
}

/** Re-hashes a record after changing it, as an attacker who knows the hash function would. */
function rehashed(r: Omit<AuditRecord, 'hash'>): AuditRecord {
  return { ...r, hash: hashAuditRecord(r) };
}

async function expectFirstBad(tp: TestPlane, seq: number, problem: string): Promise<AuditVerifyDto> {
  const viaCheckpointer = await verify(tp);
  expect(viaCheckpointer.ok).toBe(false);
  expect(viaCheckpointer.firstBad).toMatchObject({ seq, problem });
  // The operator API reports exactly the same.
  expect(await tp.plane.handlers['audit.verify']({})).toEqual(viaCheckpointer);
  return viaCheckpointer;
}

describe('audit chain: tampering with the SQLite file is detected and located', () => {
  it('detects editing a record in place (hash no longer matches): edited at that seq', async () => {
    const { tp, db } = await chain();
    const victim = recordAt(db, 7);
    db.prepare('UPDATE audit_events SET details = ? WHERE seq = 7').run(JSON.stringify({ ...victim.details, note: 'nothing to see' }));
    await expectFirstBad(tp, 7, 'edited');
  });

  it.each([
    ['decision flipped from deny to allow', (r: AuditRecord) => ({ ...r, decision: 'allow' as const })],
    ['actor rewritten', (r: AuditRecord) => ({ ...r, actor: 'someone-else' })],
    ['time back-dated', (r: AuditRecord) => ({ ...r, time: r.time - 86_400_000 })],
  ])('detects editing a single column without re-hashing (%s): edited at that seq', async (_name, edit) => {
    const { tp, db } = await chain();
    const denySeq = (db.prepare("SELECT seq FROM audit_events WHERE decision = 'deny' ORDER BY seq LIMIT 1").get() as { seq: number }).seq;
    write(db, edit(recordAt(db, denySeq)), 'REPLACE');
    await expectFirstBad(tp, denySeq, 'edited');
  });

  it('detects an edit whose own hash was recomputed, by someone without the key: unauthenticated at that seq', async () => {
    const { tp, db } = await chain();
    const { hash: _old, ...body } = recordAt(db, 6);
    write(db, rehashed({ ...body, details: { ...body.details, scopes: ['admin'] } }), 'REPLACE');
    const result = await expectFirstBad(tp, 6, 'unauthenticated');
    expect(result.firstBad?.message).toMatch(/record 6 was not written by Charon: its MAC is missing/);
  });

  it('detects an edit whose own hash was recomputed (via the next record\'s prev_hash): edited at that seq', async () => {
    const { tp, db } = await chain();
    const { hash: _old, ...body } = recordAt(db, 6);
    const forged = rehashed({ ...body, details: { ...body.details, scopes: ['admin'] } });
    write(db, forged, 'REPLACE', await leakedKey(tp));
    // Its own hash is consistent now; only the link from record 7 gives it away.
    expect(hashAuditRecord(recordAt(db, 6))).toBe(recordAt(db, 6).hash);
    const result = await expectFirstBad(tp, 6, 'edited');
    expect(result.firstBad?.message).toMatch(/record 7 no longer links/);
  });

  it('detects a re-hashed edit of the head record through the signed checkpoint: edited at the head', async () => {
    const { tp, db, head } = await chain();
    await tp.plane.checkpointer.checkpoint();
    const { hash: _old, ...body } = recordAt(db, head);
    write(db, rehashed({ ...body, actor: 'nobody' }), 'REPLACE', await leakedKey(tp));
    await expectFirstBad(tp, head, 'edited');
  });

  it('detects a deleted middle record: deleted at its seq', async () => {
    const { tp, db } = await chain();
    db.prepare('DELETE FROM audit_events WHERE seq = 9').run();
    const result = await expectFirstBad(tp, 9, 'deleted');
    expect(result.firstBad?.message).toMatch(/9\.\.9/);
  });

  it('detects deleting a run of records (hiding an incident): deleted at the first missing seq', async () => {
    const { tp, db } = await chain();
    db.prepare('DELETE FROM audit_events WHERE seq BETWEEN 4 AND 8').run();
    await expectFirstBad(tp, 4, 'deleted');
  });

  it('detects deleting the very first record: deleted at 1', async () => {
    const { tp, db } = await chain();
    db.prepare('DELETE FROM audit_events WHERE seq = 1').run();
    await expectFirstBad(tp, 1, 'deleted');
  });

  it.each([0, -1])('detects a forged record smuggled in outside the chain at seq %i (audit.list would show it): located at that seq', async (seq) => {
    const { tp, db } = await chain();
    const first = recordAt(db, 1);
    write(db, rehashed({ ...first, seq, actor: 'operator', kind: 'identity.transition', details: { from: 'ACTIVE', to: 'REVOKED', reason: 'approved by security' } }), 'INSERT');
    const listed = await tp.plane.handlers['audit.list']({ limit: 1000 });
    expect(listed.map((r) => r.seq)).toContain(seq);
    await expectFirstBad(tp, seq, 'edited');
  });

  it('detects a forged record appended beyond the head with a gap: deleted at the first missing seq', async () => {
    const { tp, db, head } = await chain();
    const last = recordAt(db, head);
    write(db, rehashed({ ...last, seq: head + 5, prevHash: last.hash }), 'INSERT');
    await expectFirstBad(tp, head + 1, 'deleted');
  });

  it('detects two adjacent records swapped (every column but seq): reordered at the first', async () => {
    const { tp, db } = await chain();
    const a = recordAt(db, 5);
    const b = recordAt(db, 6);
    write(db, { ...b, seq: 5 }, 'REPLACE');
    write(db, { ...a, seq: 6 }, 'REPLACE');
    const result = await expectFirstBad(tp, 5, 'reordered');
    expect(result.firstBad?.message).toMatch(/record 6 was moved to position 5/);
  });

  it('detects two records swapped by exchanging their seq values: reordered at the first', async () => {
    const { tp, db } = await chain();
    db.transaction(() => {
      db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = 3').run();
      db.prepare('UPDATE audit_events SET seq = 3 WHERE seq = 10').run();
      db.prepare('UPDATE audit_events SET seq = 10 WHERE seq = -1').run();
    })();
    const result = await expectFirstBad(tp, 3, 'reordered');
    expect(result.firstBad?.message).toMatch(/record 10 was moved to position 3/);
  });

  it('detects a truncated tail after a signed checkpoint: truncated at the first missing seq', async () => {
    const { tp, db, head } = await chain();
    await tp.plane.checkpointer.checkpoint();
    db.prepare('DELETE FROM audit_events WHERE seq > ?').run(head - 3);
    const result = await expectFirstBad(tp, head - 2, 'truncated');
    expect(result.headSeq).toBe(head - 3);
    expect(result.lastCheckpointSeq).toBe(head);
  });

  describe('a rewritten tail (deleted, then replaced by a consistent re-hashed chain)', () => {
    /** Checkpoints at `safe`, adds more records, checkpoints the head, then rewrites everything after `safe`. */
    async function rewriteTail(options: { withoutKey?: boolean } = {}): Promise<{ tp: TestPlane; db: RawDb; safe: number; head: number; fakeHead: AuditRecord; key: AuditMacKey | null }> {
      const { tp, db, head: safe } = await chain();
      await tp.plane.checkpointer.checkpoint();
      for (const id of ['c1', 'c2', 'c3']) await tp.plane.handlers['identities.register']({ id, owner: 'bob', environment: 'dev', selectors: [], scopes: [] });
      await tp.plane.handlers['identities.revoke']({ id: 'c1', reason: 'incident' });
      const head = (await tp.plane.handlers['status.get']({})).auditHeadSeq;
      await tp.plane.checkpointer.checkpoint();
      expect((await verify(tp)).lastCheckpointSeq).toBe(head);

      // The attacker drops the incident and writes a harmless-looking history of the same length.
      let prev = recordAt(db, safe);
      const fakes: AuditRecord[] = [];
      for (let seq = safe + 1; seq <= head; seq++) {
        const original = recordAt(db, seq);
        prev = rehashed({ ...original, kind: 'identity.register', decision: 'allow', details: { owner: 'bob' }, prevHash: prev.hash });
        fakes.push(prev);
      }
      // Unless said otherwise, the attacker has the MAC key too: these tests are about what the chain and the signatures catch alone.
      const key = options.withoutKey ? null : await leakedKey(tp);
      db.transaction(() => {
        db.prepare('DELETE FROM audit_events WHERE seq > ?').run(safe);
        for (const fake of fakes) write(db, fake, 'INSERT', key);
      })();
      return { tp, db, safe, head, fakeHead: prev, key };
    }

    it('without the key, the first rewritten record is named: unauthenticated', async () => {
      const { tp, safe } = await rewriteTail({ withoutKey: true });
      await expectFirstBad(tp, safe + 1, 'unauthenticated');
    });

    it('detects it even when the checkpoint rows are deleted too: the anchor file beside the database keeps the newest one', async () => {
      const { tp, db, head } = await rewriteTail();
      db.prepare('DELETE FROM audit_checkpoints').run();
      await expectFirstBad(tp, head, 'edited');
    });

    it('detects it through the signed checkpoint of the old head: edited, located after the last good checkpoint', async () => {
      const { tp, safe, head } = await rewriteTail();
      const result = await expectFirstBad(tp, head, 'edited');
      // The rewritten chain is internally consistent; only the signature pins it down to (safe, head].
      expect(result.firstBad?.seq).toBeGreaterThan(safe);
      expect(result.firstBad?.message).toMatch(/signed checkpoint/);
    });

    it('detects it when the forged tail is longer than the signed head, too', async () => {
      const { tp, db, head, fakeHead } = await rewriteTail();
      write(db, rehashed({ ...fakeHead, seq: head + 1, prevHash: fakeHead.hash }), 'INSERT', await leakedKey(tp));
      await expectFirstBad(tp, head, 'edited');
    });

    it('detects it when the forged tail stops short of the signed head: truncated', async () => {
      const { tp, db, head } = await rewriteTail();
      db.prepare('DELETE FROM audit_events WHERE seq > ?').run(head - 2);
      await expectFirstBad(tp, head - 1, 'truncated');
    });

    it("refuses a checkpoint row edited to match the forged head (the signature covers seq and hash): bad-checkpoint-signature", async () => {
      const { tp, db, head, fakeHead } = await rewriteTail();
      db.prepare('UPDATE audit_checkpoints SET hash = ? WHERE seq = ?').run(fakeHead.hash, head);
      await expectFirstBad(tp, head, 'bad-checkpoint-signature');
    });

    it("refuses a checkpoint re-signed for the forged head with the attacker's own key under the real kid: bad-checkpoint-signature", async () => {
      const { tp, db, head, fakeHead } = await rewriteTail();
      const genuine = db.prepare('SELECT * FROM audit_checkpoints WHERE seq = ?').get(head) as { kid: string; time: number };
      const { privateKey } = await generateKeyPair('ES256');
      const claims = { iss: tp.plane.config.issuer, seq: head, hash: fakeHead.hash, time: genuine.time };
      const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(claims))).setProtectedHeader({ alg: 'ES256', kid: genuine.kid, typ: CHECKPOINT_TYP }).sign(privateKey);
      db.prepare('UPDATE audit_checkpoints SET hash = ?, jws = ? WHERE seq = ?').run(fakeHead.hash, jws, head);
      await expectFirstBad(tp, head, 'bad-checkpoint-signature');
    });
  });

  describe('forged checkpoint rows', () => {
    async function forgeCheckpoint(db: RawDb, row: { seq: number; hash: string; kid: string; jws: string }): Promise<void> {
      db.prepare('INSERT INTO audit_checkpoints (seq, hash, time, kid, jws) VALUES (?, ?, ?, ?, ?)').run(row.seq, row.hash, 0, row.kid, row.jws);
    }

    it("refuses a checkpoint signed by the attacker's key under the real kid: bad-checkpoint-signature at its seq", async () => {
      const { tp, db, head } = await chain();
      await tp.plane.checkpointer.checkpoint();
      const kid = (db.prepare('SELECT kid FROM audit_checkpoints').get() as { kid: string }).kid;
      const { privateKey } = await generateKeyPair('ES256');
      const target = recordAt(db, head - 4);
      const claims = { iss: tp.plane.config.issuer, seq: target.seq, hash: target.hash, time: target.time };
      const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(claims))).setProtectedHeader({ alg: 'ES256', kid, typ: CHECKPOINT_TYP }).sign(privateKey);
      await forgeCheckpoint(db, { seq: target.seq, hash: target.hash, kid, jws });
      await expectFirstBad(tp, head - 4, 'bad-checkpoint-signature');
    });

    it('refuses a genuine checkpoint JWS replayed onto another seq: bad-checkpoint-signature', async () => {
      const { tp, db, head } = await chain();
      await tp.plane.checkpointer.checkpoint();
      const genuine = db.prepare('SELECT * FROM audit_checkpoints WHERE seq = ?').get(head) as { kid: string; jws: string };
      const target = recordAt(db, head - 2);
      await forgeCheckpoint(db, { seq: target.seq, hash: target.hash, kid: genuine.kid, jws: genuine.jws });
      await expectFirstBad(tp, head - 2, 'bad-checkpoint-signature');
    });

    it('refuses a checkpoint that is not a checkpoint JWS at all: bad-checkpoint-signature', async () => {
      const { tp, db, head } = await chain();
      await forgeCheckpoint(db, { seq: head, hash: recordAt(db, head).hash, kid: 'x', jws: 'not.a.jws' });
      await expectFirstBad(tp, head, 'bad-checkpoint-signature');
    });

    it('refuses a checkpoint under a kid the control plane never had: unknown-checkpoint-key', async () => {
      const { tp, db, head } = await chain();
      const { privateKey } = await generateKeyPair('ES256');
      const target = recordAt(db, head);
      const claims = { iss: tp.plane.config.issuer, seq: head, hash: target.hash, time: target.time };
      const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(claims))).setProtectedHeader({ alg: 'ES256', kid: 'attacker', typ: CHECKPOINT_TYP }).sign(privateKey);
      await forgeCheckpoint(db, { seq: head, hash: target.hash, kid: 'attacker', jws });
      await expectFirstBad(tp, head, 'unknown-checkpoint-key');
    });
  });
});

describe('audit chain: a change and its record commit together', () => {
  it('refuses an unrecorded change: if the audit record cannot be written, the change does not happen', async () => {
    const { tp, db, head } = await chain();
    const heard: number[] = [];
    tp.plane.audit.onAppend((r) => heard.push(r.seq));
    db.exec("CREATE TRIGGER no_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit disk full'); END;");
    await expect(tp.plane.handlers['identities.register']({ id: 'ghost', owner: 'mallory', environment: 'prod', selectors: [], scopes: ['admin'] })).rejects.toThrow(/audit disk full/);
    await expect(tp.plane.handlers['identities.transition']({ id: 'payer', to: 'REVOKED' })).rejects.toThrow(/audit disk full/);
    db.exec('DROP TRIGGER no_audit');
    await expect(tp.plane.handlers['identities.get']({ id: 'ghost' })).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_FOUND' });
    expect((await tp.plane.handlers['identities.get']({ id: 'payer' })).state).toBe('IDLE');
    expect((await tp.plane.handlers['status.get']({})).auditHeadSeq).toBe(head);
    expect(heard).toEqual([]);
    expect((await verify(tp)).ok).toBe(true);
  });

  it('refuses a phantom record: if the change fails after its record was appended, the record rolls back with it and no listener hears of it', async () => {
    const { tp, db, head } = await chain();
    const heard: number[] = [];
    tp.plane.audit.onAppend((r) => heard.push(r.seq));
    await tp.activeAgent('victim');
    await tp.plane.handlers['credentials.issue']({ agentId: 'victim' });
    const before = (await tp.plane.handlers['status.get']({})).auditHeadSeq;
    expect(heard.at(-1)).toBe(before);
    expect(before).toBeGreaterThan(head);
    // The transition appends its record, then revoking the credentials fails.
    db.exec("CREATE TRIGGER no_revoke BEFORE UPDATE OF state ON credentials BEGIN SELECT RAISE(ABORT, 'stuck'); END;");
    await expect(tp.plane.handlers['identities.transition']({ id: 'victim', to: 'REVOKED' })).rejects.toThrow(/stuck/);
    db.exec('DROP TRIGGER no_revoke');
    expect((await tp.plane.handlers['status.get']({})).auditHeadSeq).toBe(before);
    expect(heard.at(-1)).toBe(before);
    expect((await tp.plane.handlers['identities.get']({ id: 'victim' })).state).toBe('ACTIVE');
    // The next record takes the free seq and links to the real head: the chain stays whole.
    await tp.plane.handlers['identities.transition']({ id: 'victim', to: 'REVOKED' });
    expect(heard.slice(-2)).toEqual([before + 1, before + 2]);
    expect(await verify(tp)).toMatchObject({ ok: true, headSeq: before + 2 });
  });

  it('the intact chain verifies, with its checkpoints, after more work and a restart-style re-verification', async () => {
    const { tp, head } = await chain();
    await tp.plane.checkpointer.checkpoint();
    await tp.plane.checkpointer.checkpoint(); // nothing new: no second checkpoint
    await tp.plane.handlers['identities.register']({ id: 'after', owner: 'bob', environment: 'dev', selectors: [], scopes: [] });
    await tp.plane.checkpointer.checkpoint();
    expect(await verify(tp)).toEqual({ ok: true, records: head + 1, checkpoints: 2, lastCheckpointSeq: head + 1, headSeq: head + 1, firstBad: null });
  });
});

describe('records written by someone without the key (issue 13, item 5)', () => {
  function forgeAppend(db: RawDb): number {
    const head = recordAt(db, (db.prepare('SELECT max(seq) AS seq FROM audit_events').get() as { seq: number }).seq);
    const forged = rehashed({ seq: head.seq + 1, time: head.time + 1, actor: 'operator', kind: 'grant.create', subject: 'grt_forged', decision: 'allow', details: {}, prevHash: head.hash });
    write(db, forged, 'INSERT');
    return forged.seq;
  }

  it("checkpoint signed over a forged append: serve's periodic checkpoint refuses, names it, and signs again once it is gone", async () => {
    const { tp, db } = await chain();
    await tp.plane.checkpointer.checkpoint();
    const before = (await verify(tp)).lastCheckpointSeq;
    const forged = forgeAppend(db);
    await tp.plane.handlers['identities.register']({ id: 'after', owner: 'bob', environment: 'dev', selectors: [], scopes: [] });
    await tp.plane.checkpointer.checkpoint();
    expect(tp.plane.checkpointer.refusal).toMatchObject({ seq: forged });
    expect((await verify(tp)).lastCheckpointSeq).toBe(before);
    await expectFirstBad(tp, forged, 'unauthenticated');
  });

  it('a store from before MACs (no record has one, no checkpoint names macFrom) is trusted as of the upgrade; forgeries after it are not', async () => {
    const { tp, db, head } = await chain();
    // As an older Charon left it: no MACs, and a checkpoint without macFrom (here: none at all).
    db.prepare('UPDATE audit_events SET mac = NULL').run();
    db.prepare('DELETE FROM audit_checkpoints').run();
    rmSync(join(tp.dataDir, 'audit-anchor.json'), { force: true });
    await tp.plane.handlers['identities.register']({ id: 'upgraded', owner: 'bob', environment: 'dev', selectors: [], scopes: [] });
    await tp.plane.checkpointer.checkpoint();
    expect(tp.plane.checkpointer.refusal).toBeNull();
    expect(await verify(tp)).toMatchObject({ ok: true, lastCheckpointSeq: head + 1 });
    // From then on the signed checkpoint pins macFrom: a forgery cannot pass as an old record.
    const forged = forgeAppend(db);
    await expectFirstBad(tp, forged, 'unauthenticated');
  });
});

