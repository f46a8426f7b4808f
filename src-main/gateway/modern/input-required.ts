// Multi round-trip requests (2026-07-28, SEP-2322) in front of downstreams that still ask their
// client directly (sampling, elicitation, roots): while a forwarded call waits for the agent's
// answer, the agent gets an input-required result, and its retry carries the answer back. The
// downstream call stays open across the agent's requests, found again by an integrity-protected
// `requestState` bound to the agent, the call and a short expiry (the revision's §Security).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClientCapabilities, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Clock } from '../../core/clock.js';
import { CharonError } from '../../core/errors.js';
import type { ResponseStream } from './response-stream.js';

/** What a forwarded call can come to next: the downstream's answer, or a question for the agent. */
export type CallEvent = { readonly kind: 'done'; readonly result: Record<string, unknown> } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'input'; readonly key: string; readonly request: ServerRequest };

interface Question {
  readonly key: string;
  readonly request: ServerRequest;
  resolve(answer: Record<string, unknown>): void;
  reject(error: unknown): void;
}

/** One forwarded call of a modern client, alive from its first request until its result is delivered. */
export class ModernCall {
  readonly id = randomBytes(12).toString('base64url');
  /** Aborted when the agent gives up (closes the stream of the request waiting for the result) or never retries. */
  readonly abort = new AbortController();
  /** The response now waiting for this call: the first request's, then each retry's; null between them. */
  stream: ResponseStream | null = null;
  clientCapabilities: ClientCapabilities;
  #question: Question | null = null;
  #outcome: CallEvent | null = null;
  #wake: (() => void) | null = null;
  #asked = 0;
  /** Questions already put to the agent (a retry without the answer puts it again). */
  readonly #sent = new Set<string>();
  /** What the agent's current request asked for: notifications at or above this level, progress under this token. */
  logLevel: string | null = null;
  progressToken: string | number | undefined;

  constructor(
    readonly agentId: string,
    /** The method, target and arguments the retry must repeat (a digest). */
    readonly binding: string,
    clientCapabilities: ClientCapabilities,
  ) {
    this.clientCapabilities = clientCapabilities;
  }

  /** The downstream asks the agent (through the router): answered by the agent's next retry. */
  ask(request: ServerRequest, signal: AbortSignal): Promise<Record<string, unknown>> {
    if (this.#question) return Promise.reject(new CharonError('ERR_INVALID_INPUT', 'The agent is already being asked something for this call'));
    return new Promise((resolve, reject) => {
      const question: Question = { key: `input-${++this.#asked}`, request, resolve, reject };
      this.#question = question;
      signal.addEventListener('abort', () => {
        if (this.#question === question) this.#question = null;
        reject(signal.reason);
      }, { once: true });
      this.#wake?.();
    });
  }

  /** The forwarded call ended (its downstream answered, or failed). */
  settle(event: CallEvent): void {
    this.#outcome = event;
    this.#wake?.();
  }

  /** The next thing to tell the agent: a question asked and not yet sent, or the outcome. */
  async next(): Promise<CallEvent> {
    for (;;) {
      if (this.#question && !this.#sent.has(this.#question.key)) {
        this.#sent.add(this.#question.key);
        return { kind: 'input', key: this.#question.key, request: this.#question.request };
      }
      if (this.#outcome) return this.#outcome;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
    }
  }

  /** The pending question, if the retry must answer one. */
  get pendingKey(): string | null {
    return this.#question?.key ?? null;
  }

  /** The agent's answer to the pending question (from the retry's `inputResponses`). */
  answer(response: Record<string, unknown>): void {
    const question = this.#question;
    if (!question) return;
    this.#question = null;
    question.resolve(response);
  }

  /** Asks the same question again on the next response (the retry did not answer it). */
  askAgain(): void {
    if (this.#question) this.#sent.delete(this.#question.key);
  }

  /** Ends the call for good: a pending question is refused, so the downstream stops waiting. */
  end(reason: unknown): void {
    this.#question?.reject(reason);
    this.#question = null;
    this.abort.abort(reason);
  }
}

export interface InputRequiredDeps {
  readonly clock: Clock;
  /** Keys the requestState MAC; never leaves the process. */
  readonly key: Uint8Array;
}

/** How long a call waits for the agent's retry (a person may be answering an elicitation). */
const RETRY_WINDOW_MS = 10 * 60 * 1000;
/** Calls one agent may hold open across retries at once. */
const MAX_OPEN_PER_AGENT = 16;

/** The calls waiting for an agent's retry, each found again only by the state it was given. */
export class InputRequiredCalls {
  readonly #d: InputRequiredDeps;
  readonly #calls = new Map<string, { call: ModernCall; expiresAt: number; timer: NodeJS.Timeout | null }>();

  constructor(deps: InputRequiredDeps) {
    this.#d = deps;
  }

  open(call: ModernCall): void {
    const mine = [...this.#calls.values()].filter((c) => c.call.agentId === call.agentId).length;
    if (mine >= MAX_OPEN_PER_AGENT) throw new CharonError('ERR_RATE_LIMITED', `At most ${MAX_OPEN_PER_AGENT} calls may wait for this agent's input at once`);
    this.#calls.set(call.id, { call, expiresAt: 0, timer: null });
  }

  /** The call now waits for a retry: a fresh state, valid for the retry window. */
  awaitRetry(call: ModernCall): string {
    const entry = this.#calls.get(call.id);
    if (!entry) throw new TypeError('awaitRetry: the call is not open');
    const expiresAt = this.#d.clock.now() + RETRY_WINDOW_MS;
    if (entry.timer) clearTimeout(entry.timer);
    // Nobody came back: the downstream is told no, and the call ends.
    const timer = setTimeout(() => this.close(call, new CharonError('ERR_REQUEST_STATE_INVALID', 'The agent did not answer within the retry window')), RETRY_WINDOW_MS);
    timer.unref();
    this.#calls.set(call.id, { call, expiresAt, timer });
    const body = `${call.id}.${expiresAt}`;
    return `${body}.${this.#mac(body, call)}`;
  }

  /** The retry is being served: the window's timer stops until the call waits again. */
  resumed(call: ModernCall): void {
    const entry = this.#calls.get(call.id);
    if (entry?.timer) clearTimeout(entry.timer);
    if (entry) this.#calls.set(call.id, { ...entry, timer: null, expiresAt: 0 });
  }

  /** The call a retry's state names, if the state is intact, unexpired, the agent's own and for the same call. */
  find(state: unknown, agentId: string, binding: string): ModernCall {
    const invalid = (why: string) => new CharonError('ERR_REQUEST_STATE_INVALID', `requestState refused: ${why}`);
    if (typeof state !== 'string' || state.length > 200) throw invalid('malformed');
    const [id, expiry, mac] = state.split('.');
    const entry = id === undefined ? undefined : this.#calls.get(id);
    if (!entry || expiry === undefined || mac === undefined) throw invalid('unknown, or already used');
    const expected = Buffer.from(this.#mac(`${id}.${expiry}`, entry.call));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid('it was altered, or belongs to another agent or call');
    if (entry.call.agentId !== agentId || entry.call.binding !== binding) throw invalid('it belongs to another agent or call');
    if (Number(expiry) !== entry.expiresAt || entry.expiresAt <= this.#d.clock.now()) throw invalid('it expired');
    return entry.call;
  }

  close(call: ModernCall, reason: unknown = new CharonError('ERR_INVALID_INPUT', 'The call ended')): void {
    const entry = this.#calls.get(call.id);
    if (entry?.timer) clearTimeout(entry.timer);
    this.#calls.delete(call.id);
    call.end(reason);
  }

  /** Every open call of an agent (revoked or killed): ended now. */
  closeAgent(agentId: string): void {
    for (const { call } of [...this.#calls.values()]) if (call.agentId === agentId) this.close(call, new CharonError('ERR_IDENTITY_NOT_ACTIVE', 'The agent was stopped'));
  }

  #mac(body: string, call: ModernCall): string {
    return createHmac('sha256', this.#d.key).update(`${body}\0${call.agentId}\0${call.binding}`).digest('base64url');
  }
}
