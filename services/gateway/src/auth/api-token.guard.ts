import { timingSafeEqual } from 'node:crypto';

import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_CONFIG } from '@qbsync/platform';
import { type Request } from 'express';

import { type GatewayConfig } from '../gateway.config';

/** Requires `Authorization: Bearer <GATEWAY_API_TOKEN>`, compared in constant time. */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.expected = Buffer.from(config.GATEWAY_API_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization ?? '';
    // HTTP authentication scheme names are case-insensitive.
    const match = /^bearer (.+)$/i.exec(header);
    const token = Buffer.from(match?.[1] ?? '');

    if (token.length !== this.expected.length || !timingSafeEqual(token, this.expected)) {
      throw new UnauthorizedException(
        'missing or invalid bearer token: send Authorization: Bearer <GATEWAY_API_TOKEN>',
      );
    }

    return true;
  }
}
