// The reaper's preview over 10,000 identities and 1,000,000 audit events (40 days of gateway
// decisions and issuances), as a rate ratio (previews/s over scans/s) against a baseline measured in the same run: a plain
// scan, through the same index, of the audit rows the rules read (every gateway.decision and
// credential.issue in the lookback) plus the identities. A ratio near 1 means the rules add
// little beyond reading their window once; the smaller inventory (1,000 / 100,000) shows how
// the time scales. Every grant has a rate and a path-confined tool whose decisions carry the
// normalized path, so the drift rules' reads of constrained values and per-minute peaks are in
// the preview (the baseline does not read them). Rows are inserted directly (one transaction, better-sqlite3); the hash chain
// is not computed (the preview never verifies it).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './lib/measure.mjs';

const DAY = 86_400_000;
/** A preview over 10k identities / 1M events at least this fraction of the baseline's rate. */
const TARGET_RATIO = 0.5;
const TOOLS = ['files__read_file', 'files__list_dir', 'files__write_file', 'pay__send', 'search__query', 'mail__send', 'mail__read', 'calendar__list'];

export async function inventory({ identities, events }) {
  const { ControlPlane } = await import('../dist/src-main/app/control-plane.js');
  const { benchRoot } = await import('./lib/plane.mjs');
  const dataDir = mkdtempSync(join(benchRoot, 'charon-bench-reaper-'));
  const masterKey = randomBytes(32);
  const start = Date.UTC(2026, 9, 1);
  const now = start + 40 * DAY;
  const clock = { now: () => now };
  const plane = await ControlPlane.open({ dataDir, clock, masterKeyProvider: { load: async () => masterKey } });
  const db = plane.store.db;
  const generated = performance.now();
  db.transaction(() => {
    const insertIdentity = db.prepare(`INSERT INTO identities (id, spiffe_id, display_name, owner, environment, selectors, scopes, state, created_at, updated_at, last_attested_at, attestation_expires_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?)`);
    const insertGrant = db.prepare("INSERT INTO grants (id, agent_id, spec, spec_hash, state, created_at, created_by, updated_at, revoked_at, expires_at) VALUES (?, ?, ?, 'x', 'ACTIVE', ?, 'bench', ?, NULL, NULL)");
    const insertOwner = db.prepare("INSERT INTO owners (id, state, auto_suspend, updated_at) VALUES (?, ?, 0, ?)");
    for (let o = 0; o < 100; o++) insertOwner.run(`owner-${o}`, o % 50 === 0 ? 'DEPARTED' : 'ACTIVE', start);
    for (let i = 0; i < identities; i++) {
      const id = `agent-${i}`;
      const env = ['dev', 'test', 'prod'][i % 3];
      const state = i % 20 === 0 ? 'IDLE' : i % 50 === 1 ? 'REVOKED' : 'ACTIVE';
      const seen = i % 10 === 0 ? start : now - (i % 48) * 3_600_000;
      insertIdentity.run(id, `spiffe://charon.local/agent/${id}`, id, `owner-${i % 100}`, env, JSON.stringify([`unix:uid:${1000 + (i % 5000)}`]), state, start, start, start, now + DAY, seen);
      // Every grant confines read_file's path and limits the rate, so headroom drift has work to do.
      const readFile = { args: { path: { path: { roots: [`/srv/${id}`, '/srv/shared'] } } } };
      const servers = { files: { tools: { read_file: readFile, list_dir: {}, write_file: {} }, resources: [], prompts: [] }, mail: { tools: { send: {}, read: {} }, resources: [], prompts: [] } };
      const envelope = { rate: { perMinute: 600, burst: 60 } };
      insertGrant.run(`grt_${i}`, id, JSON.stringify({ agentId: id, environment: env, servers, envelope, expiresAt: null }), start, start);
    }
    const head = plane.store.audit.head();
    let seq = head?.seq ?? 0;
    const insertEvent = db.prepare("INSERT INTO audit_events (seq, time, actor, kind, subject, decision, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, '', '')");
    // Events in time order over 40 days; agents at work 08:00–18:00 UTC mostly.
    const span = now - start;
    let rng = 42;
    const rand = () => ((rng = (rng * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let e = 0; e < events; e++) {
      const agent = Math.floor(rand() * identities);
      const time = start + Math.floor((e / events) * span);
      const actor = `spiffe://charon.local/agent/agent-${agent}`;
      const tool = TOOLS[(agent + e) % 5];
      // As the gateway records it: the normalized path the policy saw, never the raw arguments.
      const details = tool === 'files__read_file' ? JSON.stringify({ method: 'tools/call', constrained: { path: `/srv/agent-${agent}/f${e % 7}.txt` } }) : '{}';
      if (e % 10 === 0) insertEvent.run(++seq, time, actor, 'credential.issue', actor, 'allow', '{}');
      else insertEvent.run(++seq, time, actor, 'gateway.decision', tool, rand() < 0.05 ? 'deny' : 'allow', details);
    }
  })();
  db.pragma('optimize');
  const generateSeconds = (performance.now() - generated) / 1000;
  return {
    plane,
    now,
    generateSeconds,
    async close() {
      await plane.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function timeIt(fn) {
  const t0 = performance.now();
  const result = fn();
  return { ms: performance.now() - t0, result };
}

async function measure(size, rounds) {
  const inv = await inventory(size);
  try {
    const { plane, now } = inv;
    const db = plane.store.db;
    const lookbackStart = now - 30 * DAY;
    const scan = db.prepare("SELECT actor, subject, decision, time FROM audit_events WHERE kind IN ('gateway.decision', 'credential.issue') AND time >= ? AND time <= ?");
    const ids = db.prepare('SELECT * FROM identities');
    const baseline = () => {
      let n = 0;
      for (const row of scan.iterate(lookbackStart, now)) if (row.actor) n++;
      for (const row of ids.iterate()) if (row.id) n++;
      return n;
    };
    const subject = () => plane.reaper.preview(now).length;
    baseline();
    subject();
    const ratios = [];
    const base = [];
    const subj = [];
    let actions = 0;
    let rows = 0;
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? ['s', 'b'] : ['b', 's'];
      const got = {};
      for (const which of order) {
        const t = which === 'b' ? timeIt(baseline) : timeIt(subject);
        got[which] = t.ms;
        if (which === 's') actions = t.result;
        else rows = t.result;
      }
      base.push(got.b);
      subj.push(got.s);
      ratios.push(got.b / got.s);
    }
    return { size, generateSeconds: inv.generateSeconds, actions, rows, ratio: median(ratios), ratioRange: [Math.min(...ratios), Math.max(...ratios)], previewMs: median(subj), baselineMs: median(base), samples: { subject: subj, baseline: base, ratios } };
  } finally {
    await inv.close();
  }
}

export async function runReaper({ rounds = 5 } = {}) {
  const rows = [];
  for (const size of [{ identities: 1_000, events: 100_000 }, { identities: 10_000, events: 1_000_000 }]) {
    const m = await measure(size, rounds);
    console.log(
      `reaper preview, ${size.identities} identities / ${size.events} events: ${m.previewMs.toFixed(0)} ms (baseline scan of ${m.rows} rows ${m.baselineMs.toFixed(0)} ms), ${m.actions} actions; generated in ${m.generateSeconds.toFixed(1)} s`,
    );
    rows.push({
      group: 'reaper',
      subject: `reaper preview, ${size.identities / 1000}k identities, ${size.events / 1e6}M events`,
      mode: 'sequential',
      baseline: 'indexed scan of the same audit rows + identities',
      // As every row of the table: subject rate / baseline rate (previews per second against scans per second).
      ratio: m.ratio,
      ratioRange: m.ratioRange,
      rate: 1000 / m.previewMs,
      baselineRate: 1000 / m.baselineMs,
      rounds,
      // Issue 16's target, on the large inventory: a preview at least half as fast as the scan.
      ...(size.identities === 10_000 ? { target: { minRatio: TARGET_RATIO }, pass: m.ratio >= TARGET_RATIO } : { target: null, pass: null }),
      samples: m.samples,
      actions: m.actions,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ensureBuilt } = await import('./lib/build.mjs');
  console.log(ensureBuilt());
  const rows = await runReaper({ rounds: 5 });
  for (const r of rows) console.log(`${r.subject}: rate ratio ${r.ratio.toFixed(2)} (${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)}), i.e. a preview takes ${(1 / r.ratio).toFixed(2)}× ${r.baseline}; ${r.actions} actions`);
}
