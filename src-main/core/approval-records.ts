// Passkeys, grant requests and approval evidence: the records and the repository seams
// (DESIGN.md §7) the approvals feature depends on; SQLite implements them in store/.
import type { GrantRequestDto, GrantRequestState } from '../../src-shared/approvals.js';
import type { GrantSpec } from '../../src-shared/grant.js';

export interface PasskeyRecord {
  /** The WebAuthn credential id (base64url). */
  readonly id: string;
  /** COSE public key as the authenticator registered it. */
  readonly publicKey: Uint8Array;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly label: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  /** Removed passkeys stay on record so approvals they signed can still be verified. */
  readonly removedAt: number | null;
  /** The team operator who holds it; null for the desktop owner's own passkeys. */
  readonly operatorId: string | null;
}

/** Shown to the operator exactly as held. */
export type GrantRequestRecord = GrantRequestDto;

/** What an approval stores next to the grant: enough for anyone to re-verify it offline. */
export interface ApprovalRecord {
  readonly grantId: string;
  readonly requestId: string;
  readonly method: 'passkey' | 'auto';
  /** The spec exactly as approved, and its SHA-256 (hex) over canonical JSON. */
  readonly spec: GrantSpec;
  readonly specHash: string;
  readonly nonce: string;
  /** base64url(SHA-256(canonicalJson({ nonce, requestId, specHash }))). */
  readonly challenge: string;
  readonly credentialId: string | null;
  readonly authenticatorData: string | null;
  readonly clientDataJson: string | null;
  readonly signature: string | null;
  readonly userHandle: string | null;
  readonly origin: string | null;
  readonly rpId: string | null;
  /** SHA-256 (hex) over authenticatorData ‖ clientDataJSON ‖ signature, as written to the audit chain. */
  readonly assertionDigest: string | null;
  /** The auto-approve rule that matched (auto approvals only). */
  readonly rule: string | null;
  readonly approvedAt: number;
}

export interface PasskeyRepository {
  insert(passkey: PasskeyRecord): void;
  /** Including removed ones. */
  get(id: string): PasskeyRecord | null;
  /** The desktop owner's (no operator), or one team operator's. */
  listActive(operatorId?: string | null): PasskeyRecord[];
  /** Raises the counter only if it moves forward (compare-and-set); false otherwise. */
  advanceCounter(id: string, from: number, to: number, at: number): boolean;
  markRemoved(id: string, at: number): void;
}

export interface GrantRequestRepository {
  insert(request: GrantRequestRecord): void;
  get(id: string): GrantRequestRecord | null;
  list(filter: { agentId?: string; state?: GrantRequestState }): GrantRequestRecord[];
  /** Moves a PENDING request to a final state; false if it was no longer PENDING. */
  decide(id: string, state: Exclude<GrantRequestState, 'PENDING'>, at: number, by: string, reason: string | null, grantId: string | null): boolean;
  /** The agent's denials since `since`, newest first. */
  denialsSince(agentId: string, since: number): GrantRequestRecord[];
}

export interface ApprovalRepository {
  insert(approval: ApprovalRecord): void;
  get(grantId: string): ApprovalRecord | null;
}

/** One approver's passkey signature over a request's spec, when a grant needs M of N (team mode). */
export interface SignatureRecord {
  readonly requestId: string;
  readonly operatorId: string;
  readonly spec: GrantSpec;
  readonly specHash: string;
  readonly nonce: string;
  /** base64url(SHA-256(canonicalJson({ nonce, requestId, specHash }))), as for a single approval. */
  readonly challenge: string;
  readonly credentialId: string;
  readonly authenticatorData: string;
  readonly clientDataJson: string;
  readonly signature: string;
  readonly userHandle: string | null;
  readonly origin: string;
  readonly rpId: string;
  readonly assertionDigest: string;
  readonly signedAt: number;
}

export interface SignatureRepository {
  /** False when this operator already signed this request. */
  insert(signature: SignatureRecord): boolean;
  forRequest(requestId: string): SignatureRecord[];
}

/** Open passkey ceremonies, shared by every process on the store (a team server's replicas). */
export interface CeremonyRepository {
  /** Opens or replaces the ceremony `id`. */
  put(id: string, payload: string, expiresAt: number): void;
  /** Removes and returns it: of two takers, one gets it. */
  take(id: string): { payload: string; expiresAt: number } | null;
  /** Removes every ceremony whose id starts with `prefix`. */
  dropPrefix(prefix: string): void;
  /** Removes the expired ones; returns how many whose id starts with `prefix` stay open. */
  sweep(now: number, prefix: string): number;
}
