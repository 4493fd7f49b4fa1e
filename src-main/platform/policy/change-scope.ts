/**
 * Which resources a user's `$changes` feed carries. One function, so the DSP access rules
 * (référent, trust circle, presence-code grants, hidden documents) extend the scope in one place.
 */
import { RESOURCE_TYPES } from '../fhir/resource-types';
import type { ChangeFilter } from '../storage/platform-storage';
import { DOCUMENT_PARAM } from '../dsp/dsp-consents';
import { AUDIENCE_PARAM, AUDIENCE_TYPES } from '../messaging/message-audience';
import type { Principal } from './principal';

const DIRECTORY_TYPES = RESOURCE_TYPES.filter((def) => def.category === 'directory').map((def) => def.type);

/** `dspPatients`: the DSPs whose documents the user may read now (service/dsp-access.ts dspPatientsOf); the caller decides each document. */
export function changeScope(principal: Principal, dspPatients: string[] = []): ChangeFilter {
  return {
    // The public professional directory, so the client can search it offline.
    allOfTypes: DIRECTORY_TYPES,
    // The user's own Practitioner or Patient record, and the patients whose DSP they may read.
    resources: [principal.userRef, ...dspPatients.filter((p) => p !== principal.userRef)],
    // What the user wrote (notes, documents, messages), so every device of theirs converges.
    createdBy: [principal.userRef],
    // Audit events are the patient's access log, read by search; never pushed to professionals' caches.
    excludedTypes: ['AuditEvent'],
    // Messages (envelopes and their encrypted parts) reach their sender and effective recipients, and
    // nobody else whatever the rules above say.
    audience: { param: AUDIENCE_PARAM, types: [...AUDIENCE_TYPES], principals: [principal.userRef] },
    // DSP documents (and their Binaries) of the patients who gave the user a right (référent, trust circle, presence grant).
    dsp: { patients: dspPatients, documentParam: DOCUMENT_PARAM },
    // The DSP rights naming the user (why they see a DSP, until when), also when withdrawn.
    consentActors: principal.role === 'patient' ? [] : [principal.userRef],
  };
}
