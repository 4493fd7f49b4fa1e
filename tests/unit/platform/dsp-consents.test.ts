/** The DSP rights as Consents and the document facts the decision table reads (access/dsp-consents.ts). */
import { describe, expect, it } from 'vitest';
import { buildConsent, consentId, dspStateOf, relationOf, withSecurity } from '../../../src-main/platform/dsp/dsp-consents';
import { confidentialityOf, isHidden } from '../../../src-shared/domain/dsp';

const P = 'Patient/p1';
const consent = (
  kind: Parameters<typeof buildConsent>[0]['kind'],
  actorRef: string | undefined,
  extra: Partial<Parameters<typeof buildConsent>[0]> = {},
) =>
  buildConsent({
    id: consentId(kind, 'p1', actorRef),
    kind,
    patientRef: P,
    active: true,
    ...(actorRef ? { actorRef } : {}),
    dateTime: '2025-01-01T00:00:00Z',
    ...extra,
  });

describe('DSP state from Consents', () => {
  it('an active Consent gives its right; an inactive one, or one of another patient, gives nothing', () => {
    const state = dspStateOf(P, [
      consent('referent', 'Practitioner/gp'),
      consent('trust-circle', 'Practitioner/n1'),
      consent('trust-circle', 'Practitioner/n2', { restricted: true }),
      consent('trust-circle', 'Practitioner/n3', { active: false }),
      { ...consent('trust-circle', 'Practitioner/n4'), patient: { reference: 'Patient/other' } },
      consent('presence-grant', 'Practitioner/s1', { period: { start: '2025-01-01T00:00:00Z', end: '2025-01-01T01:00:00Z' } }),
    ]);
    expect(relationOf(state, 'Practitioner/gp')).toEqual({ referent: true, trustCircle: null, presenceGrantUntil: null });
    expect(relationOf(state, 'Practitioner/n1').trustCircle).toEqual({ includesRestricted: false });
    expect(relationOf(state, 'Practitioner/n2').trustCircle).toEqual({ includesRestricted: true });
    expect(relationOf(state, 'Practitioner/n3').trustCircle).toBeNull();
    expect(relationOf(state, 'Practitioner/n4').trustCircle).toBeNull();
    expect(relationOf(state, 'Practitioner/s1').presenceGrantUntil).toBe('2025-01-01T01:00:00Z');
    expect(state.closed).toBe(false);
  });

  it('a DSP is closed while its dsp-closed Consent is active', () => {
    expect(dspStateOf(P, [consent('dsp-closed', undefined)]).closed).toBe(true);
    expect(dspStateOf(P, [consent('dsp-closed', undefined, { active: false })]).closed).toBe(false);
  });

  it('a Consent of another category is no DSP right', () => {
    const other = {
      ...consent('referent', 'Practitioner/gp'),
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    };
    expect(dspStateOf(P, [other]).referent).toBeNull();
  });

  it('Consent ids stay within 64 characters', () => {
    expect(consentId('trust-circle', 'x'.repeat(64), `Practitioner/${'y'.repeat(64)}`).length).toBeLessThanOrEqual(64);
    expect(consentId('referent', 'p1')).toBe('dsp-p1-ref');
  });
});

describe('document facts', () => {
  const doc: fhir4.DocumentReference = {
    resourceType: 'DocumentReference',
    status: 'current',
    content: [{ attachment: { contentType: 'text/plain', data: 'SGk=', url: 'Binary/b1', title: 't' } }],
  };

  it('confidentiality is the stricter of meta.security and securityLabel, N when none', () => {
    expect(confidentialityOf(doc)).toBe('N');
    expect(confidentialityOf(withSecurity(doc, { confidentiality: 'V' }))).toBe('V');
    const mixed = {
      ...doc,
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
      securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] }],
    };
    expect(confidentialityOf(mixed)).toBe('R');
  });

  it('hiding and unhiding toggles one tag and keeps the other labels', () => {
    const hidden = withSecurity(withSecurity(doc, { confidentiality: 'R' }), { hidden: true });
    expect(isHidden(hidden)).toBe(true);
    expect(confidentialityOf(hidden)).toBe('R');
    const shown = withSecurity(hidden, { hidden: false });
    expect(isHidden(shown)).toBe(false);
    expect(confidentialityOf(shown)).toBe('R');
  });
});
