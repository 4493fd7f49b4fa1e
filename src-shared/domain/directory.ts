/**
 * Wire vocabulary of the professional directory (mCSD): the role codes on PractitionerRole.code, and
 * the one that makes a professional the administrator of an organisation — the person who grants
 * membership of it (and so of its group mailbox); the identifier system of a professional's code.
 * Platform and client both read them from here.
 */

/** PractitionerRole.code system: the professional role (gp, nurse, …) or `administrator`. */
export const DESK_ROLE_SYSTEM = 'https://esante.lu/fhir/CodeSystem/desk-role';

/** PractitionerRole.code of the organisation's administrator (grants and withdraws memberships). */
export const ORGANIZATION_ADMINISTRATOR_CODE = 'administrator';

/** Whether a PractitionerRole is an active administrator role. */
export function isAdministratorRole(role: {
  active?: boolean;
  code?: Array<{ coding?: Array<{ system?: string; code?: string }> }>;
}): boolean {
  return (
    role.active !== false &&
    (role.code ?? []).some((c) =>
      (c.coding ?? []).some((k) => k.system === DESK_ROLE_SYSTEM && k.code === ORGANIZATION_ADMINISTRATOR_CODE),
    )
  );
}

/** Identifier system of a professional's code in the directory (e.g. PDEMONURSE). */
export const PROFESSIONAL_CODE_SYSTEM = 'https://esante.lu/fhir/NamingSystem/professional-code';
