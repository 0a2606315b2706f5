/** Injection token of the service's mongoose connection. */
export const MONGOOSE_CONNECTION = Symbol('MONGOOSE_CONNECTION');
