// Grant specs parsed once per distinct text across reads of every active grant (the reaper reads
// them all at each preview and run; parsing and checking 10 000 specs against the schema was most
// of that read). Only the texts of the last read are kept, so the memo holds no more specs than
// there are active grants. A memoized spec is shared by later reads: it is frozen, so a caller that
// changed it would throw instead of changing what the next read returns.
import type { GrantSpec } from '../../src-shared/grant.js';
import { readSpec } from './grant-repository.js';

export class GrantSpecMemo {
  #last = new Map<string, GrantSpec>();
  #next = new Map<string, GrantSpec>();

  /** The spec of one row of the current read. */
  read(text: string): GrantSpec {
    let spec = this.#next.get(text);
    if (spec) return spec;
    spec = this.#last.get(text) ?? deepFreeze(readSpec(text));
    this.#next.set(text, spec);
    return spec;
  }

  /** After a read: its texts are the ones kept. */
  settle(): void {
    this.#last = this.#next;
    this.#next = new Map();
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
