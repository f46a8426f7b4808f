import { useMutation } from '@tanstack/react-query';
import { useOperatorClient } from '../../api/client-context.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

/** Downloads the chain as JSON Lines that verify offline with the trust bundle alone (as `charon audit export`). */
export function AuditExport() {
  const client = useOperatorClient();
  const exporting = useMutation({
    mutationFn: () => client['audit.export']({}),
    onSuccess: ({ jsonl }) => {
      const url = URL.createObjectURL(new Blob([jsonl], { type: 'application/x-ndjson' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `charon-audit-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.jsonl`;
      a.click();
      URL.revokeObjectURL(url);
    },
  });
  return (
    <div className="toolbar">
      <button type="button" disabled={exporting.isPending} onClick={() => exporting.mutate()}>
        {exporting.isPending ? 'Exporting…' : 'Export the chain (JSON Lines)'}
      </button>
      {exporting.data && (
        <span role="status" className={exporting.data.verify.ok ? 'muted' : 'error-text'}>
          {exporting.data.verify.ok ? `Exported ${exporting.data.verify.records} records, signed checkpoint at the end; verify offline with charon audit verify --file.` : 'Exported, but the chain does not verify: no new checkpoint was signed.'}
        </span>
      )}
      {exporting.isError && <ErrorNotice error={exporting.error} title="Export failed" />}
    </div>
  );
}
