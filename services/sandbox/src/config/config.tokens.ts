/** Injection token of the SandboxConfig the app was created with. */
export const SANDBOX_CONFIG = Symbol('SANDBOX_CONFIG');
