import type { OperatorEventSink } from '../../src-shared/operator-api.js';
import { parseEventData, toEventMessage } from './event-message.js';
import { createSseParser } from './sse-parser.js';

/**
 * `rejected`: the bridge no longer accepts this page's secret (the control plane restarted: the
 * secret is per launch), so retrying can never work. `unreachable`: several tries in a row found
 * nothing listening (it stopped, or restarted on another port); the tries go on.
 */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unreachable' | 'rejected';

/** Starts delivering pushed events to `sink`; returns the function that stops it. */
export type EventSubscribe = (sink: OperatorEventSink, onState: (state: StreamState) => void) => () => void;

/** What the desktop preload exposes as `window.charonEvents`. */
export interface CharonPreloadEvents {
  subscribe(listener: (message: { event: string; data: unknown }) => void): () => void;
}

declare global {
  interface Window {
    readonly charonEvents?: CharonPreloadEvents;
  }
}

/** Desktop: the main process sends each event to this window over IPC. */
export function ipcEvents(events: CharonPreloadEvents): EventSubscribe {
  return (sink, onState) => {
    const stop = events.subscribe((message) => {
      const parsed = toEventMessage(message.event, message.data);
      if (parsed) sink(parsed);
    });
    onState('live');
    return stop;
  };
}

const RETRY_MS = [500, 1000, 2000, 5000] as const;
/** Failed tries in a row (about 3.5 s) before the console says nothing is listening. */
const UNREACHABLE_AFTER = 3;

/** Headless: GET /api/events with the bridge secret, read as a stream; reconnects after a drop. */
export function bridgeEvents(secret: string | null): EventSubscribe {
  return secret ? httpEvents({ authorization: `Bearer ${secret}` }, 'omit') : () => () => undefined;
}

/** Team console: the same stream, with the operator's session cookie. */
export const teamEvents = (): EventSubscribe => httpEvents({}, 'same-origin');

function httpEvents(headers: Record<string, string>, credentials: RequestCredentials): EventSubscribe {
  return (sink, onState) => {
    let stopped = false;
    let controller: AbortController | null = null;
    const parse = createSseParser(({ event, data }) => {
      const message = parseEventData(event, data);
      if (message) sink(message);
    });
    /** 'live-ended' when a stream was read and then ended, else why no stream was had. */
    const readOnce = async (): Promise<'live-ended' | 'failed' | 'rejected'> => {
      controller = new AbortController();
      const response = await fetch('/api/events', { headers, signal: controller.signal, cache: 'no-store', credentials });
      if (response.status === 401) return 'rejected';
      if (!response.ok || !response.body) return 'failed';
      onState('live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'live-ended';
        parse(value);
      }
    };
    void (async () => {
      onState('connecting');
      for (let attempt = 0; !stopped; attempt++) {
        const outcome = await readOnce().catch(() => 'failed' as const);
        if (stopped) return;
        if (outcome === 'rejected') return onState('rejected');
        if (outcome === 'live-ended') attempt = 0;
        onState(attempt >= UNREACHABLE_AFTER ? 'unreachable' : 'reconnecting');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      }
    })();
    return () => {
      stopped = true;
      controller?.abort();
    };
  };
}
