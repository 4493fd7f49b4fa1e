import type { Bundle, Endpoint, Organization, Practitioner, PractitionerRole } from 'fhir/r4';
import { PROFESSIONAL_CODE_SYSTEM } from '../../../src-shared/domain/directory';
import { ENDPOINT_OWNER_URL, OPENPGP_PUBLIC_KEY_URL } from '../../../src-shared/domain/messaging';
import { PlatformError, type PlatformClient } from '../platform-client';
import type { Store } from '../store';

/** A published key of a professional, as the directory lists it. */
export interface PublishedKey {
  owner: string;
  armored: string;
  active: boolean;
}

export function displayNameOf(resource: Practitioner | Organization | undefined, fallback: string): string {
  if (!resource) return fallback;
  if (resource.resourceType === 'Organization') return resource.name ?? fallback;
  const name = resource.name?.[0];
  return name?.text ?? ([name?.prefix?.join(' '), name?.given?.join(' '), name?.family].filter(Boolean).join(' ') || fallback);
}

export function keyOfEndpoint(endpoint: Endpoint): PublishedKey | null {
  const owner = endpoint.extension?.find((e) => e.url === ENDPOINT_OWNER_URL)?.valueReference?.reference;
  const armored = endpoint.extension?.find((e) => e.url === OPENPGP_PUBLIC_KEY_URL)?.valueString;
  return owner && armored ? { owner, armored, active: endpoint.status === 'active' } : null;
}

/**
 * Who is who for the mailbox, from the synced directory in the cache (so composing and verifying work
 * offline), asking the platform only for what the cache cannot answer.
 */
export class DirectoryLookup {
  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
  ) {}

  nameOf(reference: string): string {
    const [type, id] = reference.split('/');
    const cached = type && id ? this.store.resources.get<Practitioner | Organization>(type, id)?.resource : undefined;
    return displayNameOf(cached, reference);
  }

  /**
   * How the directory identifies a sender beyond the name anyone can choose: a professional's code
   * (e.g. PDEMONURSE), else the directory id of the record (Practitioner/demo-nurse).
   */
  identifierOf(reference: string): string {
    const [type, id] = reference.split('/');
    const cached = type === 'Practitioner' && id ? this.store.resources.get<Practitioner>(type, id)?.resource : undefined;
    return cached?.identifier?.find((i) => i.system === PROFESSIONAL_CODE_SYSTEM)?.value ?? reference;
  }

  /** Every key the directory lists for `owner`, active ones first (old ones verify old signatures). */
  keysOf(owner: string): PublishedKey[] {
    return (this.keysByOwner().get(owner) ?? []).slice().sort((a, b) => Number(b.active) - Number(a.active));
  }

  /**
   * Runs `work` with the directory's keys read once: opening a large mailbox checks every message's
   * sender, and rereading the directory for each would dominate. Outside such a batch every lookup
   * reads the cache afresh, since a pull may have brought new or retired keys.
   */
  async withKeysSnapshot<T>(work: () => Promise<T>): Promise<T> {
    this.snapshot = this.readKeys();
    try {
      return await work();
    } finally {
      this.snapshot = null;
    }
  }

  private snapshot: Map<string, PublishedKey[]> | null = null;

  private keysByOwner(): Map<string, PublishedKey[]> {
    return this.snapshot ?? this.readKeys();
  }

  private readKeys(): Map<string, PublishedKey[]> {
    const keys = new Map<string, PublishedKey[]>();
    for (const cached of this.store.resources.listByType<Endpoint>('Endpoint', { limit: 100_000 })) {
      const key = keyOfEndpoint(cached.resource);
      if (key) keys.set(key.owner, [...(keys.get(key.owner) ?? []), key]);
    }
    return keys;
  }

  /** The members of a group address (an organisation's service mailbox). */
  async membersOf(organization: string): Promise<string[]> {
    try {
      const bundle = await this.client.get<Bundle>(`${organization}/$members`);
      return (bundle.entry ?? []).map((e) => `Practitioner/${e.resource?.id}`).filter((ref) => ref !== 'Practitioner/undefined');
    } catch (error) {
      if (!(error instanceof PlatformError) || !error.isTransient) throw error;
      // Offline: the roles synced with the directory say who works there.
      const members = this.store.resources
        .listByType<PractitionerRole>('PractitionerRole', { limit: 100_000 })
        .filter((role) => role.resource.organization?.reference === organization && role.resource.active !== false)
        .map((role) => role.resource.practitioner?.reference)
        .filter((ref): ref is string => ref !== undefined);
      return [...new Set(members)];
    }
  }
}
