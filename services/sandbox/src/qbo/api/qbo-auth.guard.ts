import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { type Request } from 'express';

import { authenticationFault } from '../faults/qbo-fault';
import { OAuthService } from '../oauth/oauth.service';

/** Requires `Authorization: Bearer <token>` with an access token issued for the path's realm. */
@Injectable()
export class QboAuthGuard implements CanActivate {
  constructor(private readonly oauth: OAuthService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');

    if (!match) {
      throw authenticationFault('Authorization header is missing or is not a bearer token');
    }

    const problem = this.oauth.checkAccessToken(match[1], String(request.params.realmId));

    if (problem) {
      throw authenticationFault(problem);
    }

    return true;
  }
}
