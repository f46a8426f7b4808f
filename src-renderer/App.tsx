import { useEffect, useRef, useState } from 'react';
import { useTransportKind } from './api/client-context.js';
import { ChainBadge } from './components/ChainBadge.js';
import { Nav, type ViewId } from './components/Nav.js';
import { useStreamState } from './live/LiveEvents.js';
import { ApprovalsView, usePendingCount } from './views/approvals/ApprovalsView.js';
import { PasskeyBanner } from './views/approvals/PasskeyBanner.js';
import { AuditView } from './views/audit/AuditView.js';
import { IdentitiesView } from './views/identities/IdentitiesView.js';
import { OverviewView } from './views/overview/OverviewView.js';

export function App() {
  const [view, setView] = useState<ViewId>('overview');
  const kind = useTransportKind();
  const shown = useRef(view);
  const pendingApprovals = usePendingCount();
  const stream = useStreamState();

  useEffect(() => {
    // After a switch (not on first load), keyboard and screen-reader users land on the new view's heading.
    if (shown.current === view) return;
    shown.current = view;
    document.getElementById('view-heading')?.focus();
  }, [view]);

  return (
    <div className="shell">
      <header className="topbar">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <span className="brand">Charon</span>
        <span className="muted">{kind === 'desktop' ? 'desktop' : 'headless console'}</span>
        <span className={`stream stream-${stream}`} title="Pushed events from the control plane">
          {stream === 'live' ? '● live' : stream === 'connecting' ? 'connecting…' : 'reconnecting…'}
        </span>
        <span className="topbar-end">
          <ChainBadge onOpen={() => setView('audit')} />
        </span>
      </header>
      <Nav current={view} onSelect={setView} badges={{ approvals: pendingApprovals }} />
      <main id="main" tabIndex={-1}>
        {view !== 'approvals' && <PasskeyBanner onOpen={() => setView('approvals')} />}
        {view === 'overview' && <OverviewView />}
        {view === 'identities' && <IdentitiesView />}
        {view === 'audit' && <AuditView />}
        {view === 'approvals' && <ApprovalsView />}
      </main>
    </div>
  );
}
