import { count } from '../../format.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Background, Controls, MarkerType, Position, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo, useState } from 'react';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { drawnEdges, layoutGraph, type PlacedNode } from './graph-layout.js';

/** Who delegated to whom: the human, the agents, their sub-agents; edges carry the scope handed down. */
export function DelegationView() {
  const client = useOperatorClient();
  const queryClient = useQueryClient();
  const graph = useQuery({ queryKey: queryKeys.delegation, queryFn: () => client['delegation.graph']({}) });
  const [selected, setSelected] = useState<string | null>(null);
  const [cutting, setCutting] = useState<PlacedNode | null>(null);
  const [message, setMessage] = useState('');
  // Cutting a node revokes every live hop into it; the control plane revokes everything
  // delegated below those hops with them (and their tokens). The agent's own identity stays.
  const cut = useMutation({
    mutationFn: async ({ hopIds, reason }: { hopIds: readonly string[]; reason?: string }) => {
      for (const id of hopIds) await client['delegation.revoke']({ id, reason });
    },
    onSettled: () => Promise.all([queryKeys.delegation, queryKeys.credentials].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
  const laid = useMemo(() => (graph.data ? layoutGraph(graph.data) : null), [graph.data]);

  const flow = useMemo(() => {
    if (!laid) return { nodes: [] as Node[], edges: [] as Edge[] };
    const nodes: Node[] = laid.nodes.map((p) => ({
      id: p.node.id,
      position: { x: p.x, y: p.y },
      data: { label: `${p.node.label}${p.node.kind === 'owner' ? ' (owner)' : ''}${p.cut ? ' ✂ cut' : ''}` },
      // Left to right: authority flows from the human rightwards.
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      ariaLabel: `${p.node.kind} ${p.node.label}, ${p.node.state}${p.cut ? ', cut' : ''}`,
      className: `dg-node dg-${p.node.kind} ${p.cut ? 'dg-cut' : ''} ${p.node.id === selected ? 'dg-selected' : ''}`,
      type: p.depth === 0 ? 'input' : 'default',
      connectable: false,
      draggable: true,
    }));
    // Active hops are solid (xyflow's `animated` draws a dashed line, which the legend reserves for cut ones).
    const edges: Edge[] = drawnEdges(laid.edges).map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      label: e.label,
      className: e.cut ? 'dg-edge-cut' : 'dg-edge',
      animated: false,
      markerEnd: { type: MarkerType.ArrowClosed },
      ariaLabel: `${e.source} delegates ${e.hops.map((h) => h.scope || 'its authority').join(' and ')} to ${e.target}${e.cut ? ', cut' : ''}`,
    }));
    return { nodes, edges };
  }, [laid, selected]);

  const detail = laid?.nodes.find((n) => n.node.id === selected);
  const into = laid?.edges.filter((e) => e.target === selected) ?? [];
  const outOf = laid?.edges.filter((e) => e.source === selected) ?? [];

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Delegation</ViewHeading>
      <p className="muted">Human → agents → sub-agents. Each edge is a token exchange, labelled with the scope it handed down. A revoked node and everything below it is shown cut (✂, dashed).</p>
      <p role="status" className="announcement">
        {message}
      </p>
      {graph.isError && <ErrorNotice error={graph.error} title="Could not read the delegation graph" />}
      {graph.data && graph.data.nodes.length === 0 && <p>No delegation yet.</p>}
      {laid && laid.nodes.length > 0 && (
        <>
          <div className="graph" data-testid="delegation-graph">
            <ReactFlow
              nodes={flow.nodes}
              edges={flow.edges}
              onNodeClick={(_, node) => setSelected(node.id)}
              nodesConnectable={false}
              fitView
              proOptions={{ hideAttribution: true }}
              colorMode="system"
              aria-label="Delegation graph"
            >
              <Background />
              <Controls showInteractive={false} />
            </ReactFlow>
          </div>
          {detail && (
            <section className="detail-panel detail-wide" aria-label={`Delegation detail of ${detail.node.label}`}>
              <h2>
                {detail.node.kind === 'owner' ? 'Owner' : 'Agent'} {detail.node.label}
              </h2>
              <p>
                State <strong>{detail.node.state}</strong>
                {detail.cut && <strong className="error-text"> · cut: no authority flows here</strong>}
              </p>
              <h3>Received</h3>
              <HopList hops={into} side="source" />
              <h3>Handed on</h3>
              <HopList hops={outOf} side="target" />
              {detail.node.kind === 'agent' && into.some((hop) => !hop.cut) && (
                <button type="button" className="danger" onClick={() => setCutting(detail)}>
                  Cut {detail.node.label}
                </button>
              )}
              <button type="button" onClick={() => setSelected(null)}>
                Close
              </button>
            </section>
          )}
        </>
      )}
      {laid && laid.edges.length > 0 && (
        <table className="dg-table">
          <caption>Delegation hops (the graph as a table)</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Scope</th>
              <th scope="col">State</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {laid.edges.map((e) => (
              <tr key={e.id} className={e.cut ? 'dg-row-cut' : ''}>
                <td>
                  <button type="button" className="link" onClick={() => setSelected(e.source)}>
                    {labelOf(e.source)}
                  </button>
                </td>
                <td>
                  <button type="button" className="link" onClick={() => setSelected(e.target)}>
                    {labelOf(e.target)}
                  </button>
                </td>
                <td>
                  <code>{e.scope || '(all of parent)'}</code>
                </td>
                <td>{e.cut ? `cut (${e.state})` : e.state}</td>
                <td>
                  <Time ms={e.expiresAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cutting && (
        <ConfirmDialog
          title={`Cut ${cutting.node.label}?`}
          confirmLabel="Cut"
          askReason
          danger
          onClose={() => setCutting(null)}
          onConfirm={async (reason) => {
            const hopIds = (laid?.edges ?? []).filter((e) => e.target === cutting.node.id && !e.cut).map((e) => e.id);
            await cut.mutateAsync({ hopIds, reason });
            setMessage(`Cut ${cutting.node.label}: ${count(hopIds.length, 'hop')} revoked, with everything delegated below.`);
          }}
        >
          <p>
            Revokes the authority handed to <strong>{cutting.node.label}</strong> and everything it delegated further: those tokens stop working at once. The agent's identity and its own grants
            stay. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function labelOf(nodeId: string): string {
  return nodeId.split('/').at(-1) ?? nodeId;
}

function HopList({ hops, side }: { hops: readonly { id: string; source: string; target: string; scope: string; state: string; cut: boolean; expiresAt: number }[]; side: 'source' | 'target' }) {
  if (hops.length === 0) return <p className="muted">none</p>;
  return (
    <ul>
      {hops.map((h) => (
        <li key={h.id}>
          {side === 'source' ? 'from' : 'to'} <strong>{labelOf(h[side])}</strong>: <code>{h.scope || '(all of parent)'}</code> · {h.cut ? 'cut' : h.state} · expires <Time ms={h.expiresAt} />
        </li>
      ))}
    </ul>
  );
}
