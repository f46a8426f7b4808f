// The bookkeeping of shared subscriptions: one downstream subscription per URI, however many
// sessions hold it; it ends with the last of them, including sessions that just went away.
import { describe, expect, it } from 'vitest';
import type { AgentContext } from './agent-context.js';
import { ResourceSubscriptions, type SubscribingSession } from './resource-subscriptions.js';

function setup(mayRead: (s: SubscribingSession) => boolean = () => true) {
  const calls: string[] = [];
  const told = new Map<SubscribingSession, string[]>();
  const subs = new ResourceSubscriptions({
    subscribe: async (server, uri) => void calls.push(`sub ${server} ${uri}`),
    unsubscribe: async (server, uri) => void calls.push(`unsub ${server} ${uri}`),
    mayRead: (s) => mayRead(s),
  });
  const session = (agentId: string): SubscribingSession => {
    const s: SubscribingSession = {
      scope: { kind: 'all' },
      ctx: { agentId } as AgentContext,
      channel: { notify: (n) => void told.get(s)?.push(String((n.params as { uri?: string } | undefined)?.uri ?? '')) },
    };
    told.set(s, []);
    return s;
  };
  return { subs, calls, told, session };
}

describe('ResourceSubscriptions', () => {
  it('subscribes downstream once for many sessions and unsubscribes with the last', async () => {
    const { subs, calls, session } = setup();
    const [a, b] = [session('a'), session('b')];
    await subs.add(a, 'docs', 'x://1');
    await subs.add(b, 'docs', 'x://1');
    await subs.add(a, 'docs', 'x://1');
    expect(calls).toEqual(['sub docs x://1']);
    expect(subs.count('docs', 'x://1')).toBe(2);
    await subs.remove(a, 'x://1');
    expect(calls).toEqual(['sub docs x://1']);
    await subs.dropSession(b);
    expect(calls).toEqual(['sub docs x://1', 'unsub docs x://1']);
    expect(subs.count('docs', 'x://1')).toBe(0);
  });

  it('a failed downstream subscribe leaves nothing behind', async () => {
    const subs = new ResourceSubscriptions({ subscribe: async () => Promise.reject(new Error('down')), unsubscribe: async () => undefined, mayRead: () => true });
    const s = { scope: { kind: 'all' }, ctx: {} as AgentContext, channel: { notify: () => undefined } } as SubscribingSession;
    await expect(subs.add(s, 'docs', 'x://1')).rejects.toThrow('down');
    expect(subs.count('docs', 'x://1')).toBe(0);
  });

  it('an update reaches only subscribers of that URI on that server that may still read it', async () => {
    const { subs, told, session } = setup((s) => s.ctx.agentId !== 'revoked');
    const [a, revoked, other] = [session('a'), session('revoked'), session('other')];
    await subs.add(a, 'docs', 'x://1');
    await subs.add(revoked, 'docs', 'x://1');
    await subs.add(other, 'docs', 'x://2');
    subs.updated('docs', 'x://1');
    subs.updated('mail', 'x://1');
    expect(told.get(a)).toEqual(['x://1']);
    expect(told.get(revoked)).toEqual([]);
    expect(told.get(other)).toEqual([]);
  });
});
