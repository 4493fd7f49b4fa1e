/** Wire vocabulary of the professional directory (mCSD) shared by the platform and the client. */

/** Identifier system of a professional's code in the directory (e.g. PDEMONURSE). */
export const PROFESSIONAL_CODE_SYSTEM = 'https://esante.lu/fhir/NamingSystem/professional-code';
