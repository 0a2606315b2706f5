export { type FerretDbOptions, type FerretDbServer, startFerretDb } from './ferretdb';
export {
  type Infrastructure,
  type InfrastructureHandle,
  type InfrastructureOptions,
  type WithInfrastructureOptions,
  startInfrastructure,
  withInfrastructure,
} from './infrastructure';
export { ensureBinaries, toolPath } from './install';
export { type NatsServer, type NatsServerOptions, startNatsServer } from './nats-server';
export { freePort, isPortFree } from './ports';
export { runningServers, type ExitStatus, type ServerProcess } from './processes';
export { fixturePath, loadFixture, repoRoot } from './repo';
export { type WaitForOptions, waitFor } from './wait';
