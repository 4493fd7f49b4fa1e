/**
 * The write rules of care records (issue 11), beyond who may write (care-policy.ts): the record itself is
 * clinically possible (src-shared/domain/care: UCUM units, plausible values, a blood pressure with its
 * components, a reason for a dose not given…), a dose follows an active prescription at a time it schedules, a
 * dose is recorded once (its id is the deterministic dose id; a second record of it is a conflict, never a
 * second dose), a recorded fact is corrected by a new version that says why, a second-person check is
 * countersigned by that person only, and nothing is erased.
 */
import type { MedicationAdministration, MedicationRequest } from 'fhir/r4';
import {
  CORRECTION_REASON_URL,
  RECORDED_FACT_TYPES,
  SECOND_CHECK_URL,
  administeredBy,
  careRecordProblems,
  correctionReasonOf,
  doseOutcomeOf,
  localDateOf,
  localTimeOf,
  prescriptionProblems,
  requestOf,
  scheduledAtOf,
  secondCheckOf,
  type CareProblem,
} from '../../../src-shared/domain/care';
import { FhirError, forbidden, type Issue, type IssueCode } from '../fhir/fhir-error';
import type { WriteContext } from '../fhir/request-context';
import { checkR4Structure } from '../fhir/validation';
import type { Json, WriteIntent } from '../policy/resource-policy';

const ISSUE_CODE: Partial<Record<CareProblem['rule'], IssueCode>> = {
  'ucum-unit': 'value',
  'plausible-range': 'value',
  'integer-score': 'value',
  'wound-size': 'value',
  'bp-components': 'required',
  'value-required': 'required',
  'reason-required': 'required',
  'dose-request': 'required',
  'correction-reason': 'required',
};

/** 422 naming each element and rule (the rule code in brackets, so a client can word it in the user's language). */
function unprocessable(problems: CareProblem[]): FhirError {
  const issues: Issue[] = problems.map((p) => ({
    code: ISSUE_CODE[p.rule] ?? 'invariant',
    diagnostics: `${p.message} [rule ${p.rule}]`,
    expression: p.field,
  }));
  return new FhirError(422, issues);
}

const isRecordedFact = (type: string) => (RECORDED_FACT_TYPES as readonly string[]).includes(type);

/** The resource without what may change when only the second person countersigns. */
function withoutCountersignature(resource: Json): string {
  const copy = structuredClone(resource) as unknown as MedicationAdministration & { meta?: unknown };
  delete copy.meta;
  for (const performer of copy.performer ?? []) {
    performer.extension = (performer.extension ?? []).filter((e) => e.url !== SECOND_CHECK_URL);
    if (performer.extension.length === 0) delete performer.extension;
  }
  return JSON.stringify(copy);
}

/** The clinical words of a dose already recorded: what, for which prescription, when, by whom. */
function describeDose(administration: MedicationAdministration): string {
  const scheduled = scheduledAtOf(administration);
  const when = scheduled
    ? `${localDateOf(new Date(scheduled))} ${localTimeOf(new Date(scheduled))} (Europe/Luxembourg)`
    : 'an unknown time';
  const outcome = doseOutcomeOf(administration) ?? administration.status;
  return `the dose of ${requestOf(administration) ?? 'its prescription'} scheduled at ${when} is already recorded as ${outcome} by ${administeredBy(administration) ?? 'someone'} at ${administration.effectiveDateTime ?? 'an unknown time'}`;
}

async function checkSecondPerson(
  ctx: WriteContext,
  body: MedicationAdministration,
  current: MedicationAdministration | undefined,
) {
  const check = secondCheckOf(body);
  if (check.state !== 'countersigned') return;
  const before = current ? secondCheckOf(current) : { state: 'none' as const };
  if (before.state === 'countersigned' && before.verifier === check.verifier) return; // unchanged
  if (check.verifier !== ctx.principal.userRef)
    throw forbidden(
      `MedicationAdministration.performer[${check.performerIndex}].extension: only ${check.verifier} countersigns their own check; ${ctx.principal.userRef} may assert it, never countersign it [rule second-check]`,
    );
  if (administeredBy(body) === check.verifier)
    throw unprocessable([
      {
        field: `MedicationAdministration.performer[${check.performerIndex}].actor`,
        rule: 'second-check',
        message: `MedicationAdministration.performer[${check.performerIndex}].actor: the second person is not the one who gave the dose`,
      },
    ]);
}

/** Throws the FhirError of the first rule a care-record write breaks. */
export async function checkCareRecordWrite(ctx: WriteContext, intent: WriteIntent): Promise<void> {
  const type = intent.def.type;
  if (intent.action === 'delete')
    throw new FhirError(
      405,
      {
        code: 'not-supported',
        diagnostics: `${type}/${intent.id}: a care record is corrected by a new version that says why (extension ${CORRECTION_REASON_URL}, or status entered-in-error), never erased [rule no-deletion]`,
      },
      { Allow: 'GET, PUT' },
    );
  const body = intent.body;
  if (!body) return;
  // A malformed body is a 400 naming the element before any clinical rule is judged (the repository checks it again, cheaply).
  checkR4Structure(body as unknown as fhir4.Resource);
  const live = intent.current?.resource ? (intent.current.resource as unknown as Json) : undefined;

  if (type === 'MedicationAdministration' && live) {
    // A second record of a dose (a colleague's, written offline) is a conflict for the user to resolve, never a second dose.
    const countersignOnly = withoutCountersignature(body) === withoutCountersignature({ ...live, id: body.id });
    if (!countersignOnly && !correctionReasonOf(body as unknown as MedicationAdministration))
      throw new FhirError(409, {
        code: 'conflict',
        diagnostics: `MedicationAdministration/${intent.id}: ${describeDose(live as unknown as MedicationAdministration)}; a second record of the same dose is refused — correct the first with a new version that says why (extension ${CORRECTION_REASON_URL}) [rule already-recorded]`,
      });
  } else if (live && isRecordedFact(type) && !correctionReasonOf(body as { extension?: [] })) {
    throw unprocessable([
      {
        field: `${type}.extension`,
        rule: 'correction-reason',
        message: `${type}.extension: a new version of ${type}/${intent.id} corrects a recorded fact and must say why (extension ${CORRECTION_REASON_URL})`,
      },
    ]);
  }

  // The record's own rules, on the id it will be stored under (a POST gets a random one: never a dose's).
  const problems = careRecordProblems({ ...body, id: intent.id } as unknown as Parameters<typeof careRecordProblems>[0]);
  if (type === 'MedicationAdministration' && problems.length === 0) {
    const administration = body as unknown as MedicationAdministration;
    const requestRef = requestOf(administration)!;
    const request = (await ctx.tx.current('MedicationRequest', requestRef.slice('MedicationRequest/'.length)))?.resource as
      MedicationRequest | null | undefined;
    // A missing prescription is the dangling-reference check's to name; a correction of a past dose stands even once the prescription stopped.
    if (request) {
      if (request.subject?.reference !== administration.subject?.reference)
        problems.push({
          field: 'MedicationAdministration.subject',
          rule: 'dose-request',
          message: `MedicationAdministration.subject: ${requestRef} is for ${request.subject?.reference}, not ${administration.subject?.reference}`,
        });
      else if (!live) problems.push(...prescriptionProblems(administration, request));
    }
    if (problems.length === 0)
      await checkSecondPerson(ctx, administration, live as unknown as MedicationAdministration | undefined);
  }
  if (problems.length > 0) throw unprocessable(problems);
}
