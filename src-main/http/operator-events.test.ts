// Pushed events over the headless bridge: the console's live feed and query refreshes rest on them.
import { afterEach, describe, expect, it } from 'vitest';
import { startOperatorBridge, type OperatorBridge } from './operator-bridge.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { subscribeOperatorEvents } from '../app/operator-events.js';

let t: TestPlane;
let bridge: OperatorBridge;
afterEach(async () => {
  await bridge?.close();
  await t?.close();
});

async function readEvents(response: Response, until: (text: string) => boolean): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!until(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return text;
}

describe('operator events', () => {
  it('streams each audit record to a bridge client holding the secret, as the contract DTO', async () => {
    t = await openTestPlane();
    bridge = await startOperatorBridge({ handlers: t.plane.handlers, port: 0, subscribe: (sink) => subscribeOperatorEvents(t.plane.audit, sink) });
    const response = await fetch(`http://127.0.0.1:${bridge.port}/api/events`, { headers: { authorization: `Bearer ${bridge.secret}` } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = readEvents(response, (seen) => seen.includes('"kind":"identity.register"') && seen.endsWith('\n\n'));
    await t.plane.handlers['identities.register']({ id: 'streamed', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    const message = (await text).split('\n\n').find((block) => block.startsWith('event: audit.appended'));
    const data = JSON.parse(message?.split('\ndata: ')[1] ?? 'null') as Record<string, unknown>;
    expect(data).toMatchObject({ kind: 'identity.register', subject: 'spiffe://charon.local/agent/streamed', decision: 'allow' });
    expect(Object.keys(data).sort()).toEqual(['actor', 'decision', 'details', 'hash', 'kind', 'prevHash', 'seq', 'subject', 'time']);
  });

  it('refuses the event stream without the secret (an agent or a web page cannot listen in)', async () => {
    t = await openTestPlane();
    bridge = await startOperatorBridge({ handlers: t.plane.handlers, port: 0, subscribe: (sink) => subscribeOperatorEvents(t.plane.audit, sink) });
    const response = await fetch(`http://127.0.0.1:${bridge.port}/api/events`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ERR_UNAUTHENTICATED');
  });

  it('stops delivering once unsubscribed', async () => {
    t = await openTestPlane();
    const heard: number[] = [];
    const stop = subscribeOperatorEvents(t.plane.audit, (message) => heard.push(message.data.seq));
    await t.plane.handlers['identities.register']({ id: 'first', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    stop();
    await t.plane.handlers['identities.register']({ id: 'second', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    expect(heard).toHaveLength(1);
  });
});
