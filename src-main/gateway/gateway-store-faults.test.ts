// The store failing under the gateway (issue 8): another connection holding the write lock (busy),
// the database unable to grow (disk full, simulated with PRAGMA max_page_count on the control
// plane's own connection). Each time the call fails closed with a clear error: no decision without
// its audit record, nothing reaches the downstream, no cap is spent. When the fault clears the
// same call goes through. Figures go to test-results/proof/store-faults.json.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayHarness, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';
import { writeProofFigures } from '../test-support/proof-figures.js';
import { openRawDb } from '../test-support/raw-db.js';

let h: GatewayHarness;
let client: Client;
const figures = { busyFaults: 0, fullFaults: 0, refusedCalls: 0, forwardedDuringFault: 0, resumedAfterFault: 0 };

const charge = (amount: string) => client.callTool({ name: 'pay__charge', arguments: { amount } });

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['pay'] });
  const agent = await h.agent('payer', { dpop: false });
  await h.grant({ agentId: 'payer', environment: 'dev', servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '100' } } } } } } }, envelope: { caps: [{ tool: 'pay__charge', arg: 'amount', max: '1000', per: 'day' }] } });
  client = await agent.connect();
  expect(textOf(await charge('1'))).toContain('charge');
}, 30_000);

afterAll(async () => {
  writeProofFigures('store-faults', figures);
  await client?.close();
  await h?.close();
});

/** Audit head, ledger length and cap usage: none may move while a call is refused for a store fault. */
async function observable(): Promise<{ head: number; ledger: number; usage: unknown[] }> {
  const db = openRawDb(h.dataDir, { readonly: true });
  try {
    return { head: await h.headSeq(), ledger: h.ledger().length, usage: db.prepare('SELECT * FROM envelope_usage').raw().all() };
  } finally {
    db.close();
  }
}

describe('database busy: another connection holds the write lock', () => {
  it('the call fails closed with 503 ERR_STORE_BUSY after the busy timeout; nothing recorded, forwarded or spent; then it resumes', async () => {
    const before = await observable();
    const locker = openRawDb(h.dataDir);
    locker.exec('BEGIN IMMEDIATE');
    try {
      figures.busyFaults++;
      const refusal = await refusalOf(charge('2'));
      figures.refusedCalls++;
      expect(refusal).toMatchObject({ code: 'ERR_STORE_BUSY' });
      expect(refusal.message).toMatch(/busy/i);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(await observable()).toEqual(before);
    expect(textOf(await charge('3'))).toContain('"3"');
    figures.resumedAfterFault++;
    expect(h.ledger().at(-1)).toEqual({ tool: 'charge', amount: '3' });
  }, 30_000);
});

describe('disk full: the database cannot grow', () => {
  it('allowed and denied calls alike fail closed with 503 ERR_STORE_FULL; nothing recorded, forwarded or spent; then it resumes', async () => {
    const db = h.plane.store.db;
    const limit = db.pragma('max_page_count', { simple: true }) as number;
    // The plane's own connection may not grow the file; the free pages are filled up first.
    db.exec('CREATE TABLE proof_filler (b BLOB)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    try {
      for (const size of [4000, 500, 50]) {
        try {
          for (;;) db.prepare('INSERT INTO proof_filler VALUES (randomblob(?))').run(size);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('SQLITE_FULL');
        }
      }
      // What room is left in the audit table's last page takes a few more records; then it is full.
      let refusal: Awaited<ReturnType<typeof refusalOf>> | null = null;
      let before = await observable();
      for (let i = 0; i < 50 && !refusal; i++) {
        before = await observable();
        try {
          await charge('4');
        } catch (error) {
          refusal = await refusalOf(Promise.reject(error));
        }
      }
      figures.fullFaults++;
      figures.refusedCalls++;
      expect(refusal).toMatchObject({ code: 'ERR_STORE_FULL' });
      expect(refusal?.message).toMatch(/full/i);
      // A call the grant refuses needs its deny record just the same: refused for the store too.
      figures.fullFaults++;
      figures.refusedCalls++;
      expect(await refusalOf(charge('1000'))).toMatchObject({ code: 'ERR_STORE_FULL' });
      const after = await observable();
      figures.forwardedDuringFault += after.ledger - before.ledger;
      expect(after).toEqual(before);
    } finally {
      db.pragma(`max_page_count = ${limit}`);
      db.exec('DROP TABLE proof_filler');
    }
    expect(textOf(await charge('5'))).toContain('"5"');
    expect(await refusalOf(charge('1000'))).toMatchObject({ code: 'ERR_TOOL_NOT_ALLOWED' });
    figures.resumedAfterFault++;
    const verdict = await h.plane.handlers['audit.verify']({});
    expect(verdict).toMatchObject({ ok: true });
  }, 30_000);
});
