import type { PatientSimulator } from '../simulator/patient-simulator';
import type { DomainHandlers } from './registry';

export function createSimulatorService(simulator: PatientSimulator): DomainHandlers<'simulator'> {
  return {
    login: ({ identifier, password, otp }) => simulator.login(identifier, password, otp),
    state: () => simulator.state(),
    act: ({ action }) => simulator.act(action),
    accessLog: () => simulator.accessLog(),
  };
}
