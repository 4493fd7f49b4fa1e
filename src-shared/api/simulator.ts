import { z } from 'zod';
import { CONFIDENTIALITY_LEVELS } from '../domain/confidentiality';
import { defineMethod } from './contract';

const reference = (type: string) => z.string().regex(new RegExp(`^${type}/[A-Za-z0-9\\-.]{1,64}$`), `a ${type} reference`);

/** What a patient can do to their own DSP on the (embedded) platform: the patient simulator panel. */
export const simulatorAction = z.discriminatedUnion('operation', [
  z.object({ operation: z.literal('set-referent'), practitioner: reference('Practitioner') }),
  z.object({ operation: z.literal('revoke-referent') }),
  z.object({ operation: z.literal('add-to-trust-circle'), practitioner: reference('Practitioner'), restricted: z.boolean() }),
  z.object({ operation: z.literal('remove-from-trust-circle'), practitioner: reference('Practitioner') }),
  z.object({ operation: z.literal('hide-document'), document: reference('DocumentReference') }),
  z.object({ operation: z.literal('unhide-document'), document: reference('DocumentReference') }),
  z.object({
    operation: z.literal('set-confidentiality'),
    document: reference('DocumentReference'),
    confidentiality: z.enum(CONFIDENTIALITY_LEVELS),
  }),
  z.object({ operation: z.literal('close-dsp') }),
  z.object({ operation: z.literal('reopen-dsp') }),
  z.object({ operation: z.literal('issue-presence-code') }),
]);
export type SimulatorAction = z.infer<typeof simulatorAction>;

export const simulatorState = z.object({
  patient: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Active rights on the DSP, in words. */
  rights: z.array(z.object({ kind: z.string(), practitioner: z.string().nullable(), detail: z.string().nullable() })),
  documents: z.array(
    z.object({ id: z.string(), title: z.string(), hidden: z.boolean(), confidentiality: z.enum(CONFIDENTIALITY_LEVELS) }),
  ),
  closed: z.boolean(),
});
export type SimulatorState = z.infer<typeof simulatorState>;

export const simulatorMethods = {
  /** Only against the embedded platform: logs in as a patient (held in memory, never cached). */
  login: defineMethod(
    z
      .object({
        identifier: z.string().min(1).max(128),
        password: z.string().min(1).max(256),
        otp: z.string().regex(/^\d{6}$/, 'six digits'),
      })
      .strict(),
    simulatorState,
  ),
  state: defineMethod(z.object({}).strict(), simulatorState),
  act: defineMethod(
    z.object({ action: simulatorAction }).strict(),
    z.object({ state: simulatorState, presenceCode: z.string().nullable() }),
  ),
  accessLog: defineMethod(
    z.object({}).strict(),
    z.array(z.object({ at: z.string(), who: z.string(), what: z.string(), outcome: z.string() })),
  ),
};
