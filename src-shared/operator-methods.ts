// The operator methods by name, free of any schema library, so the sandboxed preload stays small.
export const OPERATOR_METHODS = [
  'status.get',
  'identities.register',
  'identities.list',
  'identities.get',
  'identities.transition',
  'identities.revoke',
  'identities.kill',
  'joinTokens.create',
  'credentials.issue',
  'credentials.list',
  'credentials.revoke',
  'credentials.introspect',
  'credentials.verify',
  'keys.list',
  'keys.rotate',
  'keys.emergencyRotate',
  'trustBundle.get',
  'audit.list',
  'audit.verify',
] as const;

export type OperatorMethod = (typeof OPERATOR_METHODS)[number];
