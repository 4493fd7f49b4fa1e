import { randomUUID } from 'node:crypto';
import type { AuditEvent, Bundle, Consent, DocumentReference, Parameters, Patient } from 'fhir/r4';
import type { SimulatorAction, SimulatorState } from '../../../src-shared/api';
import { CONFIDENTIALITY_SYSTEM } from '../../../src-shared/domain/confidentiality';
import { DeskError } from '../../../src-shared/domain/errors';
import { PlatformClient } from '../platform-client';

import { confidentialityOf, dspKindOf, isHidden } from '../../../src-shared/domain/dsp';

/**
 * Acts as a patient on the embedded platform (demos and tests): declare the référent and the trust
 * circle, hide documents, set their confidentiality, close the DSP, issue a presence code, read the
 * access log. The patient's session lives in memory only; nothing of it is cached.
 */
export class PatientSimulator {
  private client: PlatformClient | null = null;
  private patientId: string | null = null;

  constructor(
    private readonly fhirBaseUrl: string,
    private readonly embedded: boolean,
  ) {}

  async login(identifier: string, password: string, otp: string): Promise<SimulatorState> {
    if (!this.embedded) throw new DeskError('forbidden', 'the patient simulator only works with the embedded platform');
    const client = new PlatformClient({ fhirBaseUrl: this.fhirBaseUrl });
    const session = await client.login(identifier, password, otp);
    if (session.user.role !== 'patient')
      throw new DeskError('forbidden', 'the simulator acts as a patient: log in with a patient account', 'identifier');
    this.client = client;
    this.patientId = session.user.id.split('/')[1]!;
    return this.state();
  }

  private require(): { client: PlatformClient; patientId: string } {
    if (!this.client || !this.patientId) throw new DeskError('unauthenticated', 'log in to the simulator as a patient first');
    return { client: this.client, patientId: this.patientId };
  }

  async state(): Promise<SimulatorState> {
    if (!this.client || !this.patientId) return { patient: null, rights: [], documents: [], closed: false };
    const { client, patientId } = this.require();
    const [patient, consents, documents] = await Promise.all([
      client.read<Patient>('Patient', patientId),
      client.search<Consent>('Consent', { patient: `Patient/${patientId}`, _count: '200' }),
      client.search<DocumentReference>('DocumentReference', { patient: `Patient/${patientId}`, _count: '200' }),
    ]);
    const active = consents.filter((c) => c.status === 'active');
    const kindOf = (c: Consent) => dspKindOf(c) ?? 'consent';
    const name = patient.resource.name?.[0];
    return {
      patient: { id: patientId, name: [name?.given?.join(' '), name?.family].filter(Boolean).join(' ') || patientId },
      rights: active
        .filter((c) => kindOf(c) !== 'dsp-closed')
        .map((c) => ({
          kind: kindOf(c),
          practitioner: c.provision?.actor?.[0]?.reference?.reference ?? null,
          detail:
            c.provision?.period?.end ??
            (c.provision?.securityLabel?.some((l) => l.system === CONFIDENTIALITY_SYSTEM && l.code === 'R') ? 'R' : null),
        })),
      documents: documents.map((d) => ({
        id: d.id ?? '',
        title: d.description ?? d.content?.[0]?.attachment?.title ?? d.id ?? '',
        hidden: isHidden(d),
        confidentiality: confidentialityOf(d),
      })),
      closed: active.some((c) => kindOf(c) === 'dsp-closed'),
    };
  }

  async act(action: SimulatorAction): Promise<{ state: SimulatorState; presenceCode: string | null }> {
    const { client, patientId } = this.require();
    const { operation, ...body } = action;
    const result = await client.write<Parameters>({
      method: 'POST',
      url: `Patient/${patientId}/$${operation}`,
      body,
      ifMatch: null,
      opId: randomUUID(),
    });
    const presenceCode =
      operation === 'issue-presence-code'
        ? (result.resource.parameter?.find((p) => p.name === 'code')?.valueString ?? null)
        : null;
    return { state: await this.state(), presenceCode };
  }

  async accessLog(): Promise<{ at: string; who: string; what: string; outcome: string }[]> {
    const { client, patientId } = this.require();
    const bundle = await client.get<Bundle>(`Patient/${patientId}/$access-log?_count=100`);
    return (bundle.entry ?? []).map((entry) => {
      const event = entry.resource as AuditEvent;
      return {
        at: event.recorded,
        who: event.agent?.[0]?.who?.display ?? event.agent?.[0]?.who?.reference ?? '',
        what: event.entity?.[0]?.what?.reference ?? event.action ?? '',
        outcome: event.outcomeDesc ?? event.outcome ?? '',
      };
    });
  }
}
