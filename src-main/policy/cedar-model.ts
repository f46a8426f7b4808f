// The Cedar entity model of grants (policies/charon.cedarschema is its schema):
//   principal  Agent::"<agent id>"
//   action     Action::"tools/call" | Action::"resources/read" | Action::"prompts/get"
//   resource   Tool::"<server>__<tool>", Prompt::"<server>__<prompt>",
//              Resource::"<uri>" with attributes { server, uri }
//   context    { environment: String, now: Long (epoch ms), args: { "<arg path>": value } }
import type { EntityJson, EntityUidJson } from '@cedar-policy/cedar-wasm/nodejs';

export const DECIDED_ACTIONS = ['tools/call', 'resources/read', 'prompts/get'] as const;
export type DecidedAction = (typeof DECIDED_ACTIONS)[number];

export const RESOURCE_TYPE: Readonly<Record<DecidedAction, 'Tool' | 'Resource' | 'Prompt'>> = {
  'tools/call': 'Tool',
  'resources/read': 'Resource',
  'prompts/get': 'Prompt',
};

export const agentUid = (agentId: string): EntityUidJson => ({ type: 'Agent', id: agentId });
export const actionUid = (action: DecidedAction): EntityUidJson => ({ type: 'Action', id: action });
export const resourceUid = (action: DecidedAction, name: string): EntityUidJson => ({ type: RESOURCE_TYPE[action], id: name });

/** Resource policies match on these attributes (a URI glob belongs to one server). */
export function resourceEntity(uri: string, server: string): EntityJson {
  return { uid: { type: 'Resource', id: uri }, attrs: { server, uri }, parents: [] };
}
