import { Injectable, Logger } from '@nestjs/common';

import { SandboxClock } from '../../common/sandbox-clock';
import { type Company } from '../company/company';
import { CompanyStore } from '../company/company.store';
import { type FaultRule, FaultInjector } from '../faults/fault-injector.service';
import {
  authenticationFault,
  authorizationFault,
  businessValidationFault,
  QboFault,
  systemFailureFault,
  throttleFault,
} from '../faults/qbo-fault';
import { type ApiOutcome, type ApiResponse, envelopeResponse, faultResponse } from './api-outcome';

/** How long a write's response is replayed for a repeated `requestid`. */
export const REQUEST_ID_RETENTION_MS = 24 * 60 * 60 * 1000;

const THROTTLE_WINDOW_MS = 60 * 1000;

export interface ApiCall {
  realmId: string;
  method: string;
  /** Entity name, or `query`: the key of the statistics and of fault matching. */
  entityKey: string;
  /** True for create, update and delete, the calls `requestid` makes idempotent. */
  isWrite: boolean;
  requestId?: string;
  run(company: Company): Record<string, unknown>;
}

/**
 * Runs one authenticated API call through the steps QBO applies around it: counting, rate
 * limiting, requestid replay and injected faults. The call itself returns the payload of the
 * `{..., time}` envelope or throws a QboFault.
 */
@Injectable()
export class QboApiService {
  private readonly logger = new Logger(QboApiService.name);

  constructor(
    private readonly companies: CompanyStore,
    private readonly faults: FaultInjector,
    private readonly clock: SandboxClock,
  ) {}

  handle(call: ApiCall): ApiOutcome {
    const company = this.companies.getOrCreate(call.realmId);

    this.countRequest(company, call);
    if (this.isThrottled(company)) {
      return faultResponse(throttleFault(), this.clock.now());
    }

    const replay =
      call.isWrite && call.requestId ? this.findReplay(company, call.requestId) : undefined;

    if (replay) {
      company.stats.replayedResponses += 1;

      return replay;
    }

    const injected = this.faults.take(call.realmId, call.method, call.entityKey);

    if (injected && !injected.afterCommit) {
      return this.injectedOutcome(company, injected);
    }

    const response = this.execute(company, call);

    if (call.isWrite && call.requestId && response.status < 500) {
      this.rememberResponse(company, call.requestId, response);
    }

    return injected ? this.injectedOutcome(company, injected) : response;
  }

  private execute(company: Company, call: ApiCall): ApiResponse {
    try {
      return envelopeResponse(call.run(company), this.clock.now());
    } catch (error) {
      if (!(error instanceof QboFault)) {
        throw error;
      }

      this.logger.debug({
        message: 'Call rejected with a fault',
        realmId: call.realmId,
        entity: call.entityKey,
        code: error.primary.code,
        element: error.primary.element,
      });

      return faultResponse(error, this.clock.now());
    }
  }

  private countRequest(company: Company, call: ApiCall): void {
    const byMethod = (company.stats.requests[call.entityKey] ??= {});

    byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;
    company.stats.totalRequests += 1;
  }

  /** Applies the realm's requests-per-minute limit over fixed one-minute windows. */
  private isThrottled(company: Company): boolean {
    const limit = company.settings.requestsPerMinute;

    if (limit <= 0) {
      return false;
    }

    const nowMs = this.clock.nowMs();
    const window = company.throttleWindow;

    if (nowMs - window.startMs >= THROTTLE_WINDOW_MS) {
      window.startMs = nowMs;
      window.count = 0;
    }

    window.count += 1;
    if (window.count <= limit) {
      return false;
    }

    company.stats.throttledRequests += 1;

    return true;
  }

  private findReplay(company: Company, requestId: string): ApiResponse | undefined {
    const stored = company.requestLog.get(requestId);

    if (!stored || this.clock.nowMs() - stored.storedAtMs > REQUEST_ID_RETENTION_MS) {
      return undefined;
    }

    return stored.response;
  }

  /** Stores a response for replay and drops entries older than the retention period. */
  private rememberResponse(company: Company, requestId: string, response: ApiResponse): void {
    const nowMs = this.clock.nowMs();

    for (const [id, stored] of company.requestLog) {
      if (nowMs - stored.storedAtMs <= REQUEST_ID_RETENTION_MS) {
        break;
      }

      company.requestLog.delete(id);
    }

    company.requestLog.set(requestId, { response, storedAtMs: nowMs });
  }

  private injectedOutcome(company: Company, rule: FaultRule): ApiOutcome {
    company.stats.injectedFaults += 1;
    this.logger.log({
      message: 'Injected fault',
      realmId: rule.realmId,
      status: rule.status,
      afterCommit: rule.afterCommit ?? false,
      drop: rule.drop ?? false,
    });
    if (rule.drop) {
      return { kind: 'drop', delayMs: rule.delayMs ?? 0 };
    }

    const response = faultResponse(injectedFault(rule), this.clock.now());

    return { ...response, delayMs: rule.delayMs };
  }
}

/** Builds the fault a rule describes, using QBO's usual code and message for its status. */
function injectedFault(rule: FaultRule): QboFault {
  const fault = defaultFaultForStatus(rule.status);
  const error = fault.primary;

  error.code = rule.code ?? error.code;
  error.Message = rule.message ?? error.Message;
  error.Detail = rule.detail ?? error.Detail;

  return new QboFault(rule.status, fault.type, [error]);
}

function defaultFaultForStatus(status: number): QboFault {
  if (status === 401) {
    return authenticationFault('Token revoked by the sandbox fault injector');
  }

  if (status === 403) {
    return authorizationFault();
  }

  if (status === 429) {
    return throttleFault();
  }

  if (status >= 500) {
    return systemFailureFault(status);
  }

  return businessValidationFault('Injected by the sandbox fault injector.');
}
