// Which arguments of a call the gateway must normalize before a decision, and how: the
// constraints every grant puts on them. Arguments no grant constrains never reach Cedar.
import type { ArgConstraint } from '../../src-shared/grant.js';
import type { PolicyGrant } from './compile-grant.js';

/**
 * Per arg path (`options.target`), the constraints the given grants put on `server`'s `tool`,
 * one entry per grant that constrains it. The gateway puts the normalized value under the
 * same path in `context.args`: a resolved absolute path for `path`, `{ decimal: "12.5" }`
 * (strictly parsed) for `amount`, the value itself for `oneOf` and `pattern`.
 */
export function constrainedArgs(grants: readonly PolicyGrant[], server: string, tool: string): Map<string, ArgConstraint[]> {
  const out = new Map<string, ArgConstraint[]>();
  for (const { spec } of grants) {
    const serverGrant = Object.hasOwn(spec.servers, server) ? spec.servers[server] : undefined;
    const rule = serverGrant && Object.hasOwn(serverGrant.tools, tool) ? serverGrant.tools[tool] : undefined;
    for (const [path, constraint] of Object.entries(rule?.args ?? {})) {
      const list = out.get(path) ?? [];
      list.push(constraint);
      out.set(path, list);
    }
  }
  return out;
}
