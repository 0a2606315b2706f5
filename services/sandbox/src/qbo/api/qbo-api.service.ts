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
  staleObjectFault,
  systemFailureFault,
  throttleFault,
} from '../faults/qbo-fault';
import { admitCall } from '../limits/realm-limits';
import { type Response } from 'express';
import {
  type ApiOutcome,
  type ApiResponse,
  envelopeResponse,
  faultResponse,
  sendOutcome,
} from './api-outcome';

/** Fault code of a stale SyncToken, injected with its own message and element. */
const STALE_OBJECT_CODE = '5010';

/** How long a write's response is replayed for a repeated `requestid`. */
export const REQUEST_ID_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface ApiCall {
  realmId: string;
  method: string;
  /** Entity name, or `query`: the key of the statistics and of fault matching. */
  entityKey: string;
  /** True for create, update and delete, the calls `requestid` makes idempotent. */
  isWrite: boolean;
  requestId?: string;
  /** True for `/batch`, which also counts against the batches-per-minute limit. */
  isBatch?: boolean;
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

  /**
   * Runs a call and writes its outcome. An admitted call counts as in progress until its response
   * is written (after any injected delay), which is what the concurrent-requests limit measures.
   */
  async respond(res: Response, call: ApiCall): Promise<void> {
    const company = this.companies.getOrCreate(call.realmId);

    this.countRequest(company, call);
    const breach = admitCall(company, call.isBatch === true, this.clock.nowMs());

    if (breach) {
      await sendOutcome(res, this.throttled(company, breach));

      return;
    }

    company.traffic.inFlight += 1;
    try {
      await sendOutcome(res, this.handle(call, company));
    } finally {
      company.traffic.inFlight -= 1;
    }
  }

  /**
   * Builds the 429 ThrottleExceeded (3001) response for a call over a limit. Intuit's gateway sends this
   * fault as XML even to JSON requests, but not always, so every other one is sent as JSON.
   */
  private throttled(company: Company, breach: string): ApiResponse {
    company.stats.throttledRequests += 1;
    company.stats.throttledByLimit[breach] = (company.stats.throttledByLimit[breach] ?? 0) + 1;
    company.traffic.throttleFaults += 1;
    this.logger.debug({ message: 'Call throttled', realmId: company.realmId, breach });

    const format = company.traffic.throttleFaults % 2 === 1 ? 'xml' : 'json';

    return faultResponse(throttleFault(), this.clock.now(), format);
  }

  handle(call: ApiCall, company: Company = this.companies.getOrCreate(call.realmId)): ApiOutcome {
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
  const fault =
    rule.code === STALE_OBJECT_CODE ? staleObjectFault() : defaultFaultForStatus(rule.status);
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
