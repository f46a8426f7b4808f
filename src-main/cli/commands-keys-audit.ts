import { createWriteStream, readFileSync } from 'node:fs';
import type { AuditVerifyDto, TrustBundleDto } from '../../src-shared/dto.js';
import { exportAudit, verifyExportFile } from '../app/audit-export.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import { intOption, type ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, table, time } from './output.js';

export async function keysCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const json = args.values.json ?? false;
  switch (sub) {
    case 'list': {
      const keys = await call(plane, 'keys.list', {});
      return print(json, keys, () => table([['KID', 'STATE', 'CREATED', 'RETIRED', 'IN BUNDLE'], ...keys.map((k) => [k.kid, k.state, time(k.createdAt), time(k.retiredAt), k.inBundle ? `yes${k.leavesBundleAt ? ` until ${time(k.leavesBundleAt)}` : ''}` : 'no'])]));
    }
    case 'rotate': {
      if (args.values.emergency) {
        const result = await call(plane, 'keys.emergencyRotate', { reason: args.values.reason });
        return print(json, result, () => `emergency rotation: new key ${result.key.kid}; old keys left the bundle; ${result.revokedCredentials} credential(s) revoked`);
      }
      const key = await call(plane, 'keys.rotate', { reason: args.values.reason });
      return print(json, key, () => `new signing key ${key.kid}; the previous key stays in the bundle until its tokens expire`);
    }
    case 'bundle':
      return print(true, await call(plane, 'trustBundle.get', {}), () => '');
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown keys command ${sub ?? ''} (list, rotate, bundle)`);
  }
}

/** Returns false when the chain is broken (the caller exits non-zero). */
export async function auditCommand(plane: ControlPlane | null, sub: string | undefined, args: ParsedArgs): Promise<boolean> {
  const json = args.values.json ?? false;
  switch (sub) {
    case 'verify': {
      let result: AuditVerifyDto;
      if (args.values.file) {
        if (!args.values.bundle) throw new CharonError('ERR_INVALID_INPUT', 'audit verify --file needs --bundle (the trust bundle JSON)');
        result = await verifyExportFile(args.values.file, JSON.parse(readFileSync(args.values.bundle, 'utf8')) as TrustBundleDto);
      } else {
        result = await call(plane as ControlPlane, 'audit.verify', {});
      }
      print(json, result, () => describe(result));
      return result.ok;
    }
    case 'export': {
      const out = args.values.out ? createWriteStream(args.values.out, { mode: 0o600 }) : process.stdout;
      const result = await exportAudit(plane as ControlPlane, (line) => out.write(`${line}\n`));
      if (out !== process.stdout) await new Promise<void>((resolve) => (out as NodeJS.WritableStream).end(resolve));
      if (!result.ok) process.stderr.write(`warning: exported a broken chain (no new checkpoint signed): ${describe(result)}\n`);
      else if (args.values.out) process.stderr.write(`exported ${result.records} records to ${args.values.out}\n`);
      return result.ok;
    }
    case 'list': {
      const events = await call(plane as ControlPlane, 'audit.list', { limit: intOption(args.values.limit, 'limit') ?? 50 });
      print(json, events, () => table([['SEQ', 'TIME', 'ACTOR', 'KIND', 'DECISION', 'SUBJECT'], ...events.map((e) => [String(e.seq), time(e.time), e.actor, e.kind, e.decision, e.subject])]));
      return true;
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown audit command ${sub ?? ''} (verify, export, list)`);
  }
}

function describe(r: AuditVerifyDto): string {
  if (r.ok) return `audit chain intact: ${r.records} records, ${r.checkpoints} signed checkpoint(s), last at ${r.lastCheckpointSeq ?? '-'}`;
  const bad = r.firstBad;
  return `AUDIT CHAIN BROKEN at record ${bad?.seq ?? '?'}: ${bad?.problem ?? ''} — ${bad?.message ?? ''}`;
}
