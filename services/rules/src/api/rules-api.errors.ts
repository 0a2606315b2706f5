import { RpcException } from '@nestjs/microservices';

/** Codes of the rules API's error replies; the gateway maps them to 400, 404 and 409. */
export type RulesApiErrorCode = 'invalid_request' | 'not_found' | 'conflict';

export function rulesApiError(code: RulesApiErrorCode, message: string): RpcException {
  return new RpcException({ code, message });
}
