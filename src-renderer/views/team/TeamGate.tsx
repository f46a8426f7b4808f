import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ConsoleSessionDto } from '../../../src-shared/team.js';
import { currentSession, enrol, SessionError, signIn, signOut, takeInvite } from '../../api/team-session.js';

const SessionContext = createContext<{ session: ConsoleSessionDto; signOut: () => void } | null>(null);

/** The signed-in operator of the team console (null elsewhere: the desktop and the loopback bridge have none). */
export const useTeamSession = () => useContext(SessionContext);

const errorText = (error: unknown): string => (error instanceof SessionError ? `${error.payload.message} (${error.payload.code})` : error instanceof Error ? error.message : String(error));

/** Team console: nothing of the console until the operator signs in with their passkey (or enrols one with an invite). */
export function TeamGate({ children }: { children: ReactNode }) {
  const [invite, setInvite] = useState<string | null>(() => takeInvite());
  const [session, setSession] = useState<ConsoleSessionDto | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  useEffect(() => {
    // An invite link pasted into a tab already open here changes only the fragment.
    const onHash = () => {
      const taken = takeInvite();
      if (taken) setInvite(taken);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    currentSession().then(setSession, (e: unknown) => {
      setSession(null);
      setError(errorText(e));
    });
  }, []);

  const run = (action: () => Promise<void>) => {
    setBusy(true);
    setError('');
    action()
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };

  if (session === undefined) return <p role="status">Checking your session…</p>;
  if (session) {
    const out = () => run(async () => {
      await signOut();
      setSession(null);
    });
    return <SessionContext.Provider value={{ session, signOut: out }}>{children}</SessionContext.Provider>;
  }
  return (
    <main className="sign-in" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Charon team console</h1>
      <p className="muted">{window.location.host}</p>
      {invite ? (
        <>
          <p>You were invited to approve your agents’ requests here. Enrol a passkey on this device: it is the only way in, and every approval you make is signed with it.</p>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() =>
              run(async () => {
                const operator = await enrol(invite, `${navigator.platform || 'this device'} passkey`);
                setInvite(null);
                setNotice(`Passkey enrolled for ${operator.id}. Sign in with it now.`);
              })
            }
          >
            {busy ? 'Waiting for your passkey…' : 'Enrol a passkey'}
          </button>
        </>
      ) : (
        <>
          <p>Sign in with your passkey. You see and approve the requests of the agents you own.</p>
          <button type="button" className="primary" disabled={busy} onClick={() => run(async () => setSession(await signIn()))}>
            {busy ? 'Waiting for your passkey…' : 'Sign in with passkey'}
          </button>
        </>
      )}
      <p role="status">{notice}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
