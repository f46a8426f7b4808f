// Launch configs for the real MCP servers and our fixtures: `process.execPath` plus the entry
// script, so no shell or npx shim sits between the gateway and the process it kills.
import { fileURLToPath } from 'node:url';
import type { ServerConfig } from '../../../../src-shared/mcp-servers.js';
import type { TimerHandle, Timers } from '../timers.js';

const moduleDir = (pkg: string) => fileURLToPath(new URL(`../../../../node_modules/@modelcontextprotocol/${pkg}/dist/index.js`, import.meta.url));
const fixture = (file: string) => fileURLToPath(new URL(`./${file}`, import.meta.url));
const node = (args: string[], env: Record<string, string> = {}): ServerConfig => ({ command: process.execPath, args, env });

export const memoryServer = (memoryFile: string) => node([moduleDir('server-memory')], { MEMORY_FILE_PATH: memoryFile });
export const filesystemServer = (root: string) => node([moduleDir('server-filesystem'), root]);
export const everythingServer = () => node([moduleDir('server-everything'), 'stdio']);
export const hungServerScript = fixture('hung-server.mjs');
export const hungServer = () => node([hungServerScript]);
export const garbageServer = () => node([fixture('garbage-server.mjs')]);
export const pagedServer = () => node([fixture('paged-server.mjs')]);
export const growingServer = () => node([fixture('growing-server.mjs')]);
export const misbehavingServer = () => node([fixture('misbehaving-server.mjs')]);

/** Timers that fire only when the test says so; records every delay asked for. */
export class ManualTimers implements Timers {
  readonly delays: number[] = [];
  #pending = new Map<number, { fn: () => void; ms: number }>();
  #next = 0;

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#pending.set(id, { fn, ms });
    this.delays.push(ms);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#pending.delete(handle.id as number);
  }

  /** Delays of the timers still pending. */
  pending(): number[] {
    return [...this.#pending.values()].map((t) => t.ms);
  }

  /** Fires every pending timer whose delay matches (all, without a filter). */
  fire(filter: (ms: number) => boolean = () => true): number {
    const due = [...this.#pending.entries()].filter(([, t]) => filter(t.ms));
    for (const [id] of due) this.#pending.delete(id);
    for (const [, t] of due) t.fn();
    return due.length;
  }
}

/** True while a process with this pid exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until true (real processes take real, if short, time to exit or start). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
