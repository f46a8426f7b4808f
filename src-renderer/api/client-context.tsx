import { createContext, useContext, type ReactNode } from 'react';
import type { OperatorClient } from '../../src-shared/operator-api.js';
import type { ConnectedClient } from './operator-client.js';

const ClientContext = createContext<ConnectedClient | null>(null);

export function OperatorClientProvider({ value, children }: { value: ConnectedClient; children: ReactNode }) {
  return <ClientContext.Provider value={value}>{children}</ClientContext.Provider>;
}

function useConnection(): ConnectedClient {
  const connection = useContext(ClientContext);
  if (!connection) throw new Error('useOperatorClient needs an OperatorClientProvider above it');
  return connection;
}

export function useOperatorClient(): OperatorClient {
  return useConnection().client;
}

export function useEventSubscribe(): ConnectedClient['events'] {
  return useConnection().events;
}

export function useTransportKind(): ConnectedClient['kind'] {
  return useConnection().kind;
}
