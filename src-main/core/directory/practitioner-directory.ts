import type { Coding, Organization, Practitioner, PractitionerRole } from 'fhir/r4';
import type { DirectoryFacets, PractitionerCard, PractitionerCriteria, PractitionerHit } from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import { displayNameOf, type DirectoryLookup } from '../messaging/directory-lookup';
import { fingerprintOf } from '../messaging/pgp';
import { PlatformError, type PlatformClient } from '../platform-client';
import type { Store } from '../store';
import { isAdministratorRole } from '../../../src-shared/domain/directory';

/** The whole professional directory of Luxembourg is a few thousand entries: one page of the platform. */
const PAGE = '1000';
const ALL = { limit: 100_000 };

const idOf = (reference: string | undefined, type: string) =>
  reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** A practitioner's roles, codes and places, from their PractitionerRole entries. */
interface Held {
  practitioner: Practitioner;
  roles: PractitionerRole[];
}

/**
 * The professional directory with the filters a GP or nurse uses (profession, specialty, locality,
 * organisation), online through the platform's search and offline from the cache (which every online
 * search refreshes). Both ways end in the same matching, so online and offline answer alike.
 */
export class PractitionerDirectory {
  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
    private readonly lookup: DirectoryLookup,
  ) {}

  async search(criteria: PractitionerCriteria): Promise<{ fromCache: boolean; results: PractitionerHit[] }> {
    try {
      await this.fetch(criteria);
      return { fromCache: false, results: this.match(criteria) };
    } catch (error) {
      if (!(error instanceof PlatformError) || !error.isTransient) throw error;
      return { fromCache: true, results: this.match(criteria) };
    }
  }

  /** The choices the filters offer, from what the cache knows of the directory. */
  facets(): DirectoryFacets {
    const specialties = new Map<string, string>();
    for (const { resource } of this.store.resources.listByType<PractitionerRole>('PractitionerRole', ALL)) {
      for (const coding of resource.specialty?.flatMap((s) => s.coding ?? []) ?? []) {
        if (coding.code) specialties.set(coding.code, coding.display ?? coding.code);
      }
    }
    const organizations = this.store.resources
      .listByType<Organization>('Organization', ALL)
      .map(({ resource }) => ({
        id: resource.id ?? '',
        name: resource.name ?? resource.id ?? '',
        city: resource.address?.[0]?.city ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      specialties: [...specialties]
        .map(([code, display]) => ({ code, display }))
        .sort((a, b) => a.display.localeCompare(b.display)),
      organizations,
    };
  }

  /** The detail card of one professional, from the cache (search results are cached). */
  async card(id: string): Promise<PractitionerCard> {
    const practitioner = this.store.resources.get<Practitioner>('Practitioner', id)?.resource;
    if (!practitioner) throw new DeskError('not_found', `no professional ${id} on this device`, 'id');
    const reference = `Practitioner/${id}`;
    const roles = this.rolesByPractitioner().get(id) ?? [];
    const address = practitioner.address?.[0];
    const key = this.lookup.keysOf(reference).find((k) => k.active);
    return {
      ...this.hitOf({ practitioner, roles }),
      reference,
      address: address
        ? [...(address.line ?? []), [address.postalCode, address.city].filter(Boolean).join(' ')].join(', ')
        : null,
      phone: practitioner.telecom?.find((t) => t.system === 'phone')?.value ?? null,
      roles: roles.map((role) => ({
        profession: this.professionOf(role),
        specialty: role.specialty?.flatMap((s) => s.coding ?? [])[0]?.display ?? null,
        organization: this.organizationName(role.organization?.reference),
      })),
      keyFingerprint: key ? await fingerprintOf(key.armored) : null,
    };
  }

  /** Asks the platform for the candidates and keeps them (and their roles) in the cache. */
  private async fetch(criteria: PractitionerCriteria): Promise<void> {
    const roleParams: Record<string, string> = {
      ...(criteria.profession ? { role: criteria.profession } : {}),
      ...(criteria.specialty ? { specialty: criteria.specialty } : {}),
      ...(criteria.organization ? { organization: `Organization/${criteria.organization}` } : {}),
    };
    let roles: PractitionerRole[] | null = null;
    if (Object.keys(roleParams).length > 0) {
      roles = await this.client.search<PractitionerRole>('PractitionerRole', { ...roleParams, _count: PAGE });
      if (roles.length === 0) return;
    }
    const ids = roles?.map((r) => idOf(r.practitioner?.reference, 'Practitioner')).filter((id) => id !== undefined);
    const practitioners = await this.client.search<Practitioner>('Practitioner', {
      ...(criteria.text ? { name: criteria.text } : {}),
      ...(criteria.city ? { 'address-city': criteria.city } : {}),
      ...(ids ? { _id: [...new Set(ids)].join(',') } : {}),
      _count: PAGE,
    });
    // Without a role filter, the roles of the professionals found (for their profession and organisation).
    if (!roles && practitioners.length > 0) {
      roles = await this.client.search<PractitionerRole>('PractitionerRole', {
        practitioner: practitioners.map((p) => `Practitioner/${p.id}`).join(','),
        _count: PAGE,
      });
    }
    this.store.transaction(() => {
      for (const resource of [...practitioners, ...(roles ?? [])])
        if (resource.meta?.versionId) this.store.resources.upsert(resource);
    });
  }

  private rolesByPractitioner(): Map<string, PractitionerRole[]> {
    const byPractitioner = new Map<string, PractitionerRole[]>();
    for (const { resource } of this.store.resources.listByType<PractitionerRole>('PractitionerRole', ALL)) {
      const id = idOf(resource.practitioner?.reference, 'Practitioner');
      if (id && resource.active !== false) byPractitioner.set(id, [...(byPractitioner.get(id) ?? []), resource]);
    }
    return byPractitioner;
  }

  /** The matching proper, over the cache: every criterion given must hold. */
  private match(criteria: PractitionerCriteria): PractitionerHit[] {
    const rolesOf = this.rolesByPractitioner();
    const text = criteria.text ? fold(criteria.text) : null;
    const city = criteria.city ? fold(criteria.city) : null;
    const codes = (role: PractitionerRole, field: 'code' | 'specialty') =>
      (role[field] ?? []).flatMap((concept) => concept.coding ?? []).map((c: Coding) => c.code);
    return this.store.resources
      .listByType<Practitioner>('Practitioner', ALL)
      .map(({ resource }) => ({ practitioner: resource, roles: rolesOf.get(resource.id ?? '') ?? [] }))
      .filter(({ practitioner }) => practitioner.active !== false)
      .filter(({ practitioner }) => !text || fold(displayNameOf(practitioner, '')).includes(text))
      .filter(({ practitioner }) => !city || practitioner.address?.some((a) => fold(a.city ?? '').startsWith(city)))
      .filter(
        ({ roles }) =>
          (!criteria.profession && !criteria.specialty && !criteria.organization) ||
          roles.some(
            (role) =>
              (!criteria.profession || codes(role, 'code').includes(criteria.profession)) &&
              (!criteria.specialty || codes(role, 'specialty').includes(criteria.specialty)) &&
              (!criteria.organization || role.organization?.reference === `Organization/${criteria.organization}`),
          ),
      )
      .map((held) => this.hitOf(held))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, 200);
  }

  /** The profession a role says (gp, nurse, …); an organisation's administrator role says none. */
  private professionOf(role: PractitionerRole): string | null {
    if (isAdministratorRole(role)) return null;
    return role.code?.flatMap((c) => c.coding ?? [])[0]?.code ?? null;
  }

  private organizationName(reference: string | undefined): string | null {
    const id = idOf(reference, 'Organization');
    if (!id) return null;
    return displayNameOf(this.store.resources.get<Organization>('Organization', id)?.resource, reference ?? id);
  }

  private hitOf({ practitioner, roles }: Held): PractitionerHit {
    const qualification = practitioner.qualification?.[0]?.code;
    return {
      id: practitioner.id ?? '',
      name: displayNameOf(practitioner, practitioner.id ?? ''),
      qualification: qualification?.text ?? qualification?.coding?.[0]?.display ?? null,
      city: practitioner.address?.[0]?.city ?? null,
      profession: roles.map((r) => this.professionOf(r)).find((p) => p !== null) ?? null,
      organization: roles.map((r) => this.organizationName(r.organization?.reference)).find((o) => o !== null) ?? null,
    };
  }
}
