import type { ProfileState } from '../../../src-shared/api';
import type { DomainHandlers } from './registry';

export interface AppServiceDeps {
  version: string;
  shell: 'electron' | 'browser';
  platformUrl: () => string;
  profileState: () => ProfileState;
}

export function createAppService(deps: AppServiceDeps): DomainHandlers<'app'> {
  return {
    info: () => ({
      version: deps.version,
      shell: deps.shell,
      platformUrl: deps.platformUrl(),
      profileState: deps.profileState(),
    }),
  };
}
