import type { ProfileState } from '../../../src-shared/api';
import type { DomainHandlers } from './registry';

export interface AppServiceDeps {
  version: string;
  shell: 'electron' | 'browser';
  platformUrl: () => string;
  profileState: () => ProfileState;
  embeddedPlatform: boolean;
}

export function createAppService(deps: AppServiceDeps): DomainHandlers<'app'> {
  return {
    info: () => ({
      version: deps.version,
      shell: deps.shell,
      platformUrl: deps.platformUrl(),
      profileState: deps.profileState(),
      embeddedPlatform: deps.embeddedPlatform,
    }),
  };
}
