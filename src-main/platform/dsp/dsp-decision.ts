/**
 * The DSP access decision table of ARCHITECTURE §5, as one pure function: the law for every read,
 * search, `$changes` page and write of a patient's shared care record. First matching row wins; the
 * caller audits every decision, allowed or denied.
 *
 * | # | condition                                        | read                                  | write                    |
 * |---|--------------------------------------------------|---------------------------------------|--------------------------|
 * | 1 | not authenticated / token expired                | 401                                   | 401                      |
 * | 2 | holder or holder's DSP assistant                 | all, hidden included                  | personal area only       |
 * | 3 | DSP closed                                       | 403 "DSP closed"                      | 409                      |
 * | 4 | author of the document                           | that document                         | amend / entered-in-error |
 * | 5 | no care mandate, or a patient who is not holder  | 403, nothing at all (not even meta)   | 403                      |
 * | 6 | document hidden by the patient                   | not returned, no hint it exists (404) | —                        |
 * | 7 | document very restricted (V)                     | not returned, no hint it exists (404) | —                        |
 * | 8 | active médecin référent                          | normal and restricted                 | yes                      |
 * | 9 | active trust-circle consent                      | normal; restricted if the consent says| yes                      |
 * |10 | unexpired presence-code grant                    | normal                                | yes                      |
 * |11 | anything else                                    | 403 "no access right"                 | 403                      |
 */
import type { Confidentiality } from '../../../src-shared/domain/confidentiality';
import { hasCareMandate, type Role } from '../../../src-shared/domain/roles';

export type DspAction = 'read' | 'write';

export interface DspRequest {
  action: DspAction;
  /** Null when the request carries no valid token (row 1). */
  principal: { userRef: string; role: Role } | null;
  patient: { ref: string; assistants: readonly string[]; closed: boolean };
  /** The document read or written (absent: adding a new document to the DSP, or listing). */
  document?: { authorRef: string; hidden: boolean; confidentiality: Confidentiality };
  /** What ties the professional to this patient right now. */
  relation: {
    referent: boolean;
    trustCircle: { includesRestricted: boolean } | null;
    presenceGrantUntil: string | null;
  };
  now: Date;
}

export type DspGrant =
  | 'everything' // row 2, read
  | 'personal-area' // row 2, write
  | 'own-document' // row 4, read
  | 'amend-only' // row 4, write: a correction (replaces) or entered-in-error of one's own document
  | 'care'; // rows 8–10

export type DspDecision =
  | { allowed: true; row: number; grant: DspGrant }
  | { allowed: false; row: number; status: 401 | 403 | 404 | 409; reason: string };

const allow = (row: number, grant: DspGrant): DspDecision => ({ allowed: true, row, grant });
const refuse = (row: number, status: 401 | 403 | 404 | 409, reason: string): DspDecision => ({
  allowed: false,
  row,
  status,
  reason,
});

/** Whether a care relationship (rows 8–10) covers a document of this confidentiality (V never: row 7). */
function coversConfidentiality(row: 8 | 9 | 10, level: Confidentiality, request: DspRequest): boolean {
  if (level === 'N') return true;
  if (row === 8) return true;
  if (row === 9) return request.relation.trustCircle?.includesRestricted === true;
  return false;
}

export function decideDspAccess(request: DspRequest): DspDecision {
  const { principal, patient, document, action } = request;
  // 1
  if (!principal) return refuse(1, 401, 'authentication required');
  // 2
  if (principal.userRef === patient.ref || patient.assistants.includes(principal.userRef)) {
    return action === 'read' ? allow(2, 'everything') : allow(2, 'personal-area');
  }
  // 3
  if (patient.closed)
    return action === 'read' ? refuse(3, 403, 'DSP closed') : refuse(3, 409, 'DSP closed: nothing can be added');
  // 4
  if (document && document.authorRef === principal.userRef)
    return action === 'read' ? allow(4, 'own-document') : allow(4, 'amend-only');
  // 5: nothing at all, not even metadata, for a role without a care mandate or another patient.
  if (principal.role === 'patient') return refuse(5, 403, 'a patient reads only their own DSP');
  if (!hasCareMandate(principal.role))
    return refuse(5, 403, `the role ${principal.role} has no care mandate: no access to the DSP`);
  // 6, 7: for a read, a hidden or very restricted document does not exist for anyone but the holder and its author.
  if (document?.hidden && action === 'read') return refuse(6, 404, 'not found');
  if (document?.confidentiality === 'V' && action === 'read') return refuse(7, 404, 'not found');
  // 8–10
  const row: 8 | 9 | 10 | null = request.relation.referent
    ? 8
    : request.relation.trustCircle
      ? 9
      : request.relation.presenceGrantUntil !== null && Date.parse(request.relation.presenceGrantUntil) > request.now.getTime()
        ? 10
        : null;
  if (row !== null) {
    if (action === 'write') {
      // Writing over someone else's document is never a care right: corrections are by the author (row 4).
      return document ? refuse(row, 403, 'only the author may amend a document') : allow(row, 'care');
    }
    if (!document || coversConfidentiality(row, document.confidentiality, request)) return allow(row, 'care');
    return refuse(row, 403, `confidentiality ${document.confidentiality} is beyond this access right`);
  }
  // 11
  return refuse(11, 403, 'no access right');
}
