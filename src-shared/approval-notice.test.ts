import { describe, expect, it } from 'vitest';
import { approvalNotice } from './approval-notice.js';
import type { AuditEventDto } from './dto.js';

const record = (over: Partial<AuditEventDto>): AuditEventDto => ({ seq: 1, time: 0, actor: 'spiffe://charon.local/agent/scout', kind: 'grant.request', subject: 'grq_abc', decision: 'allow', details: { agentId: 'scout', risk: 'write' }, prevHash: '', hash: '', ...over });

describe('approvalNotice', () => {
  it('names the requesting agent (not the request id) and the risk', () => {
    expect(approvalNotice(record({}))).toEqual({ agentId: 'scout', body: 'scout asks for a grant (risk: write)' });
  });

  it('announces nothing for a refused request or another kind of record', () => {
    expect(approvalNotice(record({ decision: 'deny' }))).toBeNull();
    expect(approvalNotice(record({ kind: 'grant.approve' }))).toBeNull();
  });
});
