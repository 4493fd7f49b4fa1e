import { describe, expect, it } from 'vitest';
import { careMethods } from '../../../src-shared/api/care';

// A nursing note the platform would refuse (FHIR's string rule) is refused before it reaches the outbox.
describe('care free text follows FHIR’s string rule', () => {
  const note = (text: string) => careMethods.addNote.input.safeParse({ patientId: 'demo-patient', kind: 'free', text });

  it('refuses a control character, naming the rule', () => {
    const parsed = note('Plaie propre\u0000');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('no control characters but tab, CR and LF');
    expect(parsed.error?.issues[0]?.path).toEqual(['text']);
  });

  it('keeps tab, CR and LF', () => {
    expect(note('Pansement\tfait.\r\nRevoir demain.').success).toBe(true);
  });
});
