import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { OperatorClientProvider } from './api/client-context.js';
import { connectOperatorClient, OperatorCallError } from './api/operator-client.js';
import { App } from './App.js';
import { LiveEventsProvider } from './live/LiveEvents.js';
import { TeamGate } from './views/team/TeamGate.js';
import './styles.css';

// Before anything renders: take the bridge secret out of the address bar.
const connection = connectOperatorClient();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A typed refusal will not change on retry; only a busy store is worth another try.
      retry: (failures, error) => error instanceof OperatorCallError && error.code === 'ERR_STORE_BUSY' && failures < 3,
    },
  },
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const consoleTree = (
  <QueryClientProvider client={queryClient}>
    <LiveEventsProvider>
      <App />
    </LiveEventsProvider>
  </QueryClientProvider>
);

createRoot(container).render(
  <StrictMode>
    <OperatorClientProvider value={connection}>{connection.kind === 'team' ? <TeamGate>{consoleTree}</TeamGate> : consoleTree}</OperatorClientProvider>
  </StrictMode>,
);
