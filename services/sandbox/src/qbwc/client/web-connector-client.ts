import { type QuickBooksCompany, QuickBooksMessageError } from '../company/quickbooks-company';
import { callOperation, SoapCallError } from './soap-client';

/** Settings of one Web Connector installation, as its `.qwc` file and the user set it up. */
export interface WebConnectorOptions {
  appUrl: string;
  userName: string;
  password: string;
  company: QuickBooksCompany;
  /** Version the client reports (clientVersion). */
  clientVersion?: string;
  /**
   * Milliseconds the client spends on one session before it gives up, leaving the session without
   * closeConnection. The service must stop handing out work well before this.
   */
  sessionBudgetMs?: number;
  /** Milliseconds one HTTP call may take. */
  callTimeoutMs?: number;
  /** Simulated QuickBooks processing time per request of a message, in milliseconds. */
  quickBooksMsPerRequest?: number;
  /** Company file QuickBooks has open; another one requested by authenticate cannot be opened. */
  openCompanyFile?: string;
}

/** A fault of the client's side, to rehearse broken sessions. */
export type ClientFault =
  /** Nothing goes wrong with this message; lets a later message of the session carry a fault. */
  | 'none'
  /** QuickBooks cannot be started: the client reports connectionError and ends the session. */
  | 'quickbooks_unavailable'
  /** QuickBooks applies the message, then the connection drops before receiveResponseXML. */
  | 'drop_response'
  /** The client stops after sendRequestXML as if its time budget ran out. */
  | 'give_up';

export interface SessionReport {
  /** The outcome authenticate returned: `nvu`, `none`, `busy`, or `ok` for a session with work. */
  authentication: 'nvu' | 'none' | 'busy' | 'ok';
  ticket: string;
  messages: number;
  requests: number;
  /** Every receiveResponseXML result, in order. */
  progress: number[];
  /** getLastError's text, when the session ended on an error or with nothing to send. */
  lastError?: string;
  closed: boolean;
  closeMessage?: string;
  /** True when the session ran out of the client's time budget. */
  lostToTimeBudget: boolean;
  connectionError?: string;
  durationMs: number;
}

const DEFAULT_SESSION_BUDGET_MS = 30 * 60_000;
const DEFAULT_CALL_TIMEOUT_MS = 120_000;

/**
 * The QuickBooks Web Connector's side of a session, following the real client's call sequence:
 * serverVersion, clientVersion, authenticate, then sendRequestXML / receiveResponseXML pairs.
 * Between the two, the qbXML goes to the simulated company, which takes its processing time. The
 * client calls getLastError when the service reports an error or has nothing to send, then
 * closeConnection. It calls connectionError when QuickBooks cannot be reached and gives up after
 * its time budget.
 */
export class WebConnectorClient {
  private readonly faults: ClientFault[] = [];

  constructor(private readonly options: WebConnectorOptions) {}

  /** Queues a fault for the next message the client handles, in this session or a later one. */
  injectFault(fault: ClientFault): void {
    this.faults.push(fault);
  }

  async runSession(): Promise<SessionReport> {
    const started = Date.now();
    const budget = this.options.sessionBudgetMs ?? DEFAULT_SESSION_BUDGET_MS;
    const report: SessionReport = {
      authentication: 'ok',
      ticket: '',
      messages: 0,
      requests: 0,
      progress: [],
      closed: false,
      lostToTimeBudget: false,
      durationMs: 0,
    };
    const call = (
      operation: string,
      parameters: Array<[string, string | number]>,
    ): Promise<unknown> =>
      callOperation(
        this.options.appUrl,
        operation,
        parameters,
        this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      );

    await call('serverVersion', [['strVersion', '']]);
    const clientCheck = String(
      (await call('clientVersion', [['strVersion', this.options.clientVersion ?? '2.3.0.215']])) ??
        '',
    );

    if (clientCheck.startsWith('E:')) {
      report.lastError = clientCheck.slice(2);
      report.durationMs = Date.now() - started;

      return report;
    }

    const authResult = (await call('authenticate', [
      ['strUserName', this.options.userName],
      ['strPassword', this.options.password],
    ])) as { string?: string[] } | undefined;
    const [ticket = '', outcome = ''] = authResult?.string ?? [];

    report.ticket = ticket;

    if (outcome === 'nvu' || outcome === 'none' || outcome === 'busy') {
      report.authentication = outcome;
      report.durationMs = Date.now() - started;

      return report;
    }

    const company = this.options.company;
    const openFile = this.options.openCompanyFile ?? company.companyFile;

    if (outcome !== '' && outcome.toLowerCase() !== openFile.toLowerCase()) {
      report.connectionError = await this.reportConnectionError(
        call,
        ticket,
        '0x8004040A',
        `The QuickBooks company data file is currently open in a mode other than the one specified by your application. Requested "${outcome}", open "${openFile}".`,
      );
      report.durationMs = Date.now() - started;

      return report;
    }

    for (;;) {
      if (Date.now() - started > budget) {
        // The real client abandons the session here, so the service gets no closeConnection.
        report.lostToTimeBudget = true;
        break;
      }

      const fault = this.faults.shift();

      if (fault === 'quickbooks_unavailable') {
        report.connectionError = await this.reportConnectionError(
          call,
          ticket,
          '0x80040408',
          'Could not start QuickBooks.',
        );
        break;
      }

      const request = String(
        (await call('sendRequestXML', [
          ['ticket', ticket],
          ['strHCPResponse', ''],
          ['strCompanyFileName', openFile],
          ['qbXMLCountry', 'US'],
          ['qbXMLMajorVers', 13],
          ['qbXMLMinorVers', 0],
        ])) ?? '',
      );

      if (request === '') {
        report.lastError = String((await call('getLastError', [['ticket', ticket]])) ?? '');
        break;
      }

      if (fault === 'give_up') {
        report.lostToTimeBudget = true;
        break;
      }

      report.messages += 1;
      let response = '';
      let hresult = '';
      let message = '';

      try {
        const processed = company.processMessage(request);

        response = processed.response;
        report.requests += processed.requests;
        await sleep((this.options.quickBooksMsPerRequest ?? 0) * processed.requests);
      } catch (error) {
        if (!(error instanceof QuickBooksMessageError)) {
          throw error;
        }

        hresult = error.hresult;
        message = error.message;
      }

      if (fault === 'drop_response') {
        // The connection breaks after QuickBooks applied the message: the service never hears back.
        break;
      }

      const progress = Number(
        await call('receiveResponseXML', [
          ['ticket', ticket],
          ['response', response],
          ['hresult', hresult],
          ['message', message],
        ]),
      );

      report.progress.push(progress);

      if (progress < 0) {
        report.lastError = String((await call('getLastError', [['ticket', ticket]])) ?? '');
        break;
      }

      if (progress >= 100) {
        break;
      }
    }

    if (!report.lostToTimeBudget && report.connectionError === undefined && !droppedAtEnd(report)) {
      report.closeMessage = String((await call('closeConnection', [['ticket', ticket]])) ?? '');
      report.closed = true;
    }

    report.durationMs = Date.now() - started;

    return report;
  }

  /**
   * Runs sessions back to back, as a Web Connector scheduled every minute would with no wait in
   * between, until authenticate reports no work or `maxSessions` ran.
   */
  async runUntilIdle(maxSessions = 1000): Promise<SessionReport[]> {
    const reports: SessionReport[] = [];

    for (let index = 0; index < maxSessions; index += 1) {
      const report = await this.runSession();

      reports.push(report);
      if (report.authentication !== 'ok') {
        break;
      }
    }

    return reports;
  }

  private async reportConnectionError(
    call: (operation: string, parameters: Array<[string, string | number]>) => Promise<unknown>,
    ticket: string,
    hresult: string,
    message: string,
  ): Promise<string> {
    return String(
      (await call('connectionError', [
        ['ticket', ticket],
        ['hresult', hresult],
        ['message', message],
      ])) ?? '',
    );
  }
}

/** Returns true when the last message was dropped, so the session ends without closeConnection. */
function droppedAtEnd(report: SessionReport): boolean {
  return report.messages > report.progress.length && report.lastError === undefined;
}

function sleep(milliseconds: number): Promise<void> {
  return milliseconds > 0
    ? new Promise((resolve) => setTimeout(resolve, milliseconds))
    : Promise.resolve();
}

export { SoapCallError };
