import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { AuditEventDto } from '../../../src-shared/dto.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';

export const AUDIT_PAGE_SIZE = 100;

export interface AuditFilter {
  readonly kind?: string;
  readonly subject?: string;
}

/** Newest first; each further page holds the records before the oldest one shown. */
export function useAuditList(filter: AuditFilter) {
  const client = useOperatorClient();
  return useInfiniteQuery({
    queryKey: queryKeys.auditList({ ...filter, limit: AUDIT_PAGE_SIZE }),
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      client['audit.list']({ ...filter, limit: AUDIT_PAGE_SIZE, ...(pageParam === undefined ? {} : { beforeSeq: pageParam }) }),
    getNextPageParam: (last: AuditEventDto[]) => {
      const oldest = last.at(-1);
      return last.length < AUDIT_PAGE_SIZE || !oldest || oldest.seq <= 1 ? undefined : oldest.seq;
    },
  });
}

export function useAuditVerify() {
  const client = useOperatorClient();
  return useQuery({ queryKey: queryKeys.auditVerify, queryFn: () => client['audit.verify']({}) });
}
