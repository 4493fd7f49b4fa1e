/**
 * The policies the domains registered, by resource type. Deny by default: a type nobody registered
 * (or a resource of a shared type that no policy claims) is refused to every user, on every way in.
 */
import { FhirError } from '../fhir/fhir-error';
import type { ChangeFilter } from '../storage/platform-storage';
import type {
  ContentHandler,
  DomainRegistration,
  DomainRoute,
  Json,
  OperationDefinition,
  PolicyScope,
  ResourcePolicy,
} from './resource-policy';

function denyAll(type: string): ResourcePolicy {
  const reason = `${type}: no access policy governs this resource, so it is refused to every user`;
  return {
    name: `deny-all(${type})`,
    typeGate: (scope) =>
      scope.principal
        ? { allowed: false, status: 403, reason }
        : { allowed: false, status: 401, reason: 'authentication required' },
    read: async (scope) =>
      scope.principal
        ? { allowed: false, status: 403, reason }
        : { allowed: false, status: 401, reason: 'authentication required' },
    write: async () => {
      throw new FhirError(403, { code: 'forbidden', diagnostics: reason });
    },
  };
}

export class PolicyRegistry {
  private readonly byType = new Map<string, ResourcePolicy[]>();
  private readonly domainList: DomainRegistration[] = [];

  /** Registers `policy` for `types`. A type may hold several claiming policies and one fallback (no `claims`). */
  register(types: readonly string[], policy: ResourcePolicy): this {
    for (const type of types) {
      const list = this.byType.get(type) ?? [];
      if (!policy.claims && list.some((p) => !p.claims)) throw new Error(`${type}: two fallback policies (${policy.name})`);
      // Claiming policies are asked first; the fallback last.
      list.push(policy);
      list.sort((a, b) => Number(!a.claims) - Number(!b.claims));
      this.byType.set(type, list);
    }
    return this;
  }

  domain(registration: DomainRegistration): this {
    this.domainList.push(registration);
    return this;
  }

  get domains(): readonly DomainRegistration[] {
    return this.domainList;
  }

  get operations(): OperationDefinition[] {
    return this.domainList.flatMap((d) => d.operations ?? []);
  }

  get routes(): DomainRoute[] {
    return this.domainList.flatMap((d) => d.routes ?? []);
  }

  /** The handler keeping this type's content apart from its JSON, if a domain registered one. */
  contentHandler(type: string): ContentHandler | undefined {
    return this.domainList.flatMap((d) => d.content ?? []).find((handler) => handler.type === type);
  }

  /** Types with at least one policy (the census test compares them with the resource table). */
  get governedTypes(): string[] {
    return [...this.byType.keys()].sort();
  }

  policiesOf(type: string): readonly ResourcePolicy[] {
    return this.byType.get(type) ?? [];
  }

  /** The type-level policy: the fallback of the type, or deny-all. */
  forType(type: string): ResourcePolicy {
    return this.byType.get(type)?.find((p) => !p.claims) ?? denyAll(type);
  }

  /** The policy governing this resource: the first that claims it, else the type's fallback, else deny-all. */
  forResource(type: string, resource: Json | null | undefined): ResourcePolicy {
    const list = this.byType.get(type) ?? [];
    if (resource) {
      const claiming = list.find((p) => p.claims?.(resource));
      if (claiming) return claiming;
    }
    return list.find((p) => !p.claims) ?? denyAll(type);
  }

  /** Every domain's share of the user's `$changes` scope, merged. */
  async changeScope(scope: PolicyScope): Promise<ChangeFilter> {
    const merged: ChangeFilter = { allOfTypes: [], resources: [], createdBy: [], excludedTypes: [] };
    for (const domain of this.domainList) {
      const part = await domain.changeScope?.(scope);
      if (!part) continue;
      merged.allOfTypes.push(...(part.allOfTypes ?? []));
      merged.resources.push(...(part.resources ?? []));
      merged.createdBy.push(...(part.createdBy ?? []));
      merged.excludedTypes.push(...(part.excludedTypes ?? []));
      if (part.audience) merged.audience = part.audience;
      if (part.dsp) merged.dsp = part.dsp;
      if (part.consentActors) merged.consentActors = [...(merged.consentActors ?? []), ...part.consentActors];
      if (part.careRecords) merged.careRecords = part.careRecords;
      if (part.authoredDocumentPatients) merged.authoredDocumentPatients = part.authoredDocumentPatients;
    }
    merged.resources = [...new Set(merged.resources)];
    return merged;
  }
}
