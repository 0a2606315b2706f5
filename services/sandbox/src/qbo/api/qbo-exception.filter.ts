import { type ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { type Request, type Response } from 'express';

import { SandboxClock } from '../../common/sandbox-clock';
import {
  invalidValueFault,
  QboFault,
  systemFailureFault,
  unsupportedOperationFault,
} from '../faults/qbo-fault';
import { faultResponse, sendOutcome } from './api-outcome';

const API_PREFIX = '/v3/';

/**
 * Renders errors of the QBO API paths as QBO faults: a QboFault as it is, an unreadable body as
 * 2010, an unknown path as Unsupported Operation, and anything unexpected as a 500 SystemFault.
 * Errors on other paths keep Nest's default handling.
 */
@Catch()
export class QboExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(QboExceptionFilter.name);

  constructor(private readonly clock: SandboxClock) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const isApiPath = request.path.startsWith(API_PREFIX);

    if (!(exception instanceof QboFault) && !isApiPath) {
      super.catch(exception, host);

      return;
    }

    const fault = this.toFault(exception, request);

    void sendOutcome(http.getResponse<Response>(), faultResponse(fault, this.clock.now()));
  }

  private toFault(exception: unknown, request: Request): QboFault {
    if (exception instanceof QboFault) {
      return exception;
    }

    if (exception instanceof HttpException && exception.getStatus() === 404) {
      return unsupportedOperationFault(`${request.method} ${request.path}`);
    }

    if (exception instanceof HttpException && exception.getStatus() === 400) {
      return invalidValueFault('body', exception.message, 'a valid JSON document');
    }

    this.logger.error({
      message: 'Unexpected error in a QBO API call',
      path: request.path,
      error: exception instanceof Error ? exception.stack : String(exception),
    });

    return systemFailureFault();
  }
}
