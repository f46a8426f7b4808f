// Team mode's operators (DESIGN.md §7 seams): who may use the remote console, their enrolment
// invites and their signed-in sessions. Secrets (invite codes, session tokens) are stored only
// as SHA-256 hashes, so a copy of the store does not sign anyone in.
export type OperatorRole = 'admin' | 'owner';

export interface OperatorRecord {
  /** The owner name identities carry (`identities.owner`): an operator sees and approves those agents. */
  readonly id: string;
  readonly role: OperatorRole;
  /** WebAuthn user.id (base64url, random), so a passkey names its operator without the name. */
  readonly userHandle: string;
  readonly createdAt: number;
  readonly removedAt: number | null;
}

export interface InviteRecord {
  readonly codeHash: string;
  readonly operatorId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export interface SessionRecord {
  readonly tokenHash: string;
  readonly operatorId: string;
  /** The passkey that signed in. */
  readonly passkeyId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly endedAt: number | null;
}

export interface OperatorRepository {
  insert(operator: OperatorRecord): void;
  get(id: string): OperatorRecord | null;
  byUserHandle(handle: string): OperatorRecord | null;
  list(): OperatorRecord[];
  markRemoved(id: string, at: number): void;
  insertInvite(invite: InviteRecord): void;
  getInvite(codeHash: string): InviteRecord | null;
  /** Spends an unused, unexpired invite (compare-and-set); false if it was used meanwhile. */
  useInvite(codeHash: string, at: number): boolean;
  insertSession(session: SessionRecord): void;
  getSession(tokenHash: string): SessionRecord | null;
  endSession(tokenHash: string, at: number): void;
  /** Ends every open session of an operator (removed, or signed out everywhere). */
  endSessionsOf(operatorId: string, at: number): void;
}
