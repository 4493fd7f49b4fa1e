export {
  ProfileDirectory,
  type ProfileDirectoryOptions,
  type NewProfileDetails,
  type UnlockedProfile,
} from './profile-directory';
export type { ProfileSummary } from './profile-index';
export { AutoLock, systemClock, type IdleClock } from './auto-lock';
