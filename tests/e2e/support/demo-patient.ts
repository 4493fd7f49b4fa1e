import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';

/**
 * The demo patient, logged in on the platform behind the professionals' backs, runs these operations on
 * their own record in order (`POST Patient/demo-patient/$operation`), e.g. `['revoke-referent', {}]`.
 */
export async function demoPatientDoes(platformUrl: string, operations: readonly (readonly [string, object])[]): Promise<void> {
  const patient = demoAccount('patient');
  const origin = new URL(platformUrl).origin;
  const login = await fetch(`${origin}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: patient.identifier, password: patient.password, otp: patient.otp }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  for (const [operation, body] of operations) {
    const response = await fetch(`${platformUrl}/Patient/demo-patient/$${operation}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${operation}: ${response.status} ${await response.text()}`);
  }
}
