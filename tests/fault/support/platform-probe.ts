/**
 * Reads what the platform really holds, over plain HTTP with its own login, independently of the client
 * code under test: the nurse's full `$changes` feed and a resource's `_history`.
 */
import type { Bundle, FhirResource, Task } from 'fhir/r4';
import { CHANGES_HAS_MORE_URL, CHANGES_NEXT_CURSOR_URL } from '../../../src-shared/domain/fhir-sync';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';

export class PlatformProbe {
  private constructor(
    private readonly fhirUrl: string,
    private readonly token: string,
  ) {}

  static async login(fhirUrl: string): Promise<PlatformProbe> {
    const account = demoAccount('nurse');
    const response = await fetch(fhirUrl.replace(/\/fhir$/, '/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: account.identifier, password: account.password, otp: account.otp }),
    });
    if (response.status !== 200) throw new Error(`probe login: HTTP ${response.status}`);
    return new PlatformProbe(fhirUrl, ((await response.json()) as { access_token: string }).access_token);
  }

  private async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.fhirUrl}/${path}`, {
      headers: { authorization: `Bearer ${this.token}`, accept: 'application/fhir+json' },
    });
    if (response.status !== 200) throw new Error(`probe GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** The latest version of every resource of `type` the nurse can see (from the feed's beginning). */
  async current<T extends FhirResource = Task>(type: string): Promise<Map<string, T>> {
    const result = new Map<string, T>();
    let cursor: string | undefined;
    for (;;) {
      const page = await this.get<Bundle>(
        `$changes?_count=1000${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      for (const entry of page.entry ?? []) {
        const [entryType, id] = (entry.request?.url ?? '').split('/');
        if (entryType !== type || !id) continue;
        if (entry.request?.method === 'DELETE') result.delete(id);
        else if (entry.resource) result.set(id, entry.resource as T);
      }
      const extensions =
        (page as Bundle & { extension?: { url: string; valueString?: string; valueBoolean?: boolean }[] }).extension ?? [];
      cursor = extensions.find((e) => e.url === CHANGES_NEXT_CURSOR_URL)?.valueString;
      if (extensions.find((e) => e.url === CHANGES_HAS_MORE_URL)?.valueBoolean !== true) return result;
    }
  }

  /** Every version of one resource, oldest first. */
  async history<T extends FhirResource = Task>(type: string, id: string): Promise<T[]> {
    const bundle = await this.get<Bundle>(`${type}/${id}/_history?_count=1000`);
    return (bundle.entry ?? [])
      .map((entry) => entry.resource as T)
      .filter((r) => r !== undefined)
      .sort((a, b) => Number(a.meta?.versionId) - Number(b.meta?.versionId));
  }
}
