import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTransportKind } from './api/client-context.js';
import { ChainBadge } from './components/ChainBadge.js';
import { StreamNotice } from './components/StreamNotice.js';
import { isViewId, Nav, type ViewId } from './components/Nav.js';
import { requestHeadingFocus } from './components/ViewHeading.js';
import type { StreamState } from './live/event-stream.js';
import { useStreamState } from './live/LiveEvents.js';
import { ApprovalsView, usePendingCount } from './views/approvals/ApprovalsView.js';
import { PasskeyBanner } from './views/approvals/PasskeyBanner.js';
import { AuditView } from './views/audit/AuditView.js';
import { GatewayView } from './views/gateway/GatewayView.js';
import { GrantsView } from './views/grants/GrantsView.js';
import { OwnersView } from './views/owners/OwnersView.js';
import { IdentitiesView } from './views/identities/IdentitiesView.js';
import { OverviewView } from './views/overview/OverviewView.js';
import { ReaperView } from './views/reaper/ReaperView.js';
import { SettingsView } from './views/settings/SettingsView.js';
import { useTeamSession } from './views/team/TeamGate.js';
import { teamViews } from './views/team/team-views.js';

// The graph library is the largest part of the bundle: loaded when the view is first opened.
const DelegationView = lazy(() => import('./views/delegation/DelegationView.js').then((m) => ({ default: m.DelegationView })));

/** The view named in the fragment (`#view=audit`), so a reload or a link lands on it (if this operator may use it). */
function initialView(allowed: readonly ViewId[] | undefined): ViewId {
  const named = new URLSearchParams(window.location.hash.slice(1)).get('view') ?? '';
  if (isViewId(named) && (!allowed || allowed.includes(named))) return named;
  return allowed?.[0] ?? 'overview';
}

const STREAM_LABEL: Readonly<Record<StreamState, string>> = { live: '● live', connecting: 'connecting…', reconnecting: 'reconnecting…', unreachable: 'not answering', rejected: 'disconnected: new secret' };

const KIND_LABEL = { desktop: 'desktop', headless: 'headless console', team: 'team console' } as const;

export function App() {
  const team = useTeamSession();
  const allowed = team ? teamViews(team.session.operator.role) : undefined;
  const [view, setView] = useState<ViewId>(() => initialView(allowed));
  const kind = useTransportKind();
  const shown = useRef(view);
  const pendingApprovals = usePendingCount();
  const stream = useStreamState();

  useEffect(() => {
    // After a switch (not on first load), keyboard and screen-reader users land on the new view's heading.
    if (shown.current === view) return;
    shown.current = view;
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#view=${view}`);
    requestHeadingFocus();
  }, [view]);

  useEffect(() => {
    document.title = pendingApprovals > 0 ? `(${pendingApprovals}) Charon` : 'Charon';
  }, [pendingApprovals]);

  return (
    <div className="shell">
      <header className="topbar">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <span className="brand">Charon</span>
        <span className="muted">{KIND_LABEL[kind]}</span>
        <span className={`stream stream-${stream}`} title="Pushed events from the control plane">
          {STREAM_LABEL[stream]}
        </span>
        <span className="topbar-end">
          <ChainBadge onOpen={() => setView(allowed && !allowed.includes('audit') ? view : 'audit')} stale={stream === 'rejected' || stream === 'unreachable'} />
          {team && (
            <span className="operator-badge">
              Signed in as <strong>{team.session.operator.id}</strong> ({team.session.operator.role}){' '}
              <button type="button" onClick={team.signOut}>
                Sign out
              </button>
            </span>
          )}
        </span>
      </header>
      <Nav current={view} onSelect={setView} badges={{ approvals: pendingApprovals }} {...(allowed ? { only: allowed } : {})} />
      <main id="main" tabIndex={-1}>
        <StreamNotice state={stream} />
        {!team && view !== 'approvals' && view !== 'settings' && <PasskeyBanner onOpen={() => setView('settings')} />}
        {view === 'overview' && <OverviewView onOpenApprovals={() => setView('approvals')} />}
        {view === 'identities' && <IdentitiesView />}
        {view === 'grants' && <GrantsView />}
        {view === 'owners' && <OwnersView />}
        {view === 'audit' && <AuditView />}
        {view === 'approvals' && <ApprovalsView />}
        {view === 'delegation' && (
          <Suspense fallback={<p role="status">Loading the graph…</p>}>
            <DelegationView />
          </Suspense>
        )}
        {view === 'reaper' && <ReaperView />}
        {view === 'gateway' && <GatewayView />}
        {view === 'settings' && <SettingsView />}
      </main>
    </div>
  );
}
