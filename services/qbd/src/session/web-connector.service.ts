import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppLogger, MetricsService, SyncEventPublisher } from '@qbsync/platform';
import { type Counter, type Histogram } from 'prom-client';

import { type CompanyFileDocument } from '../company/company-file.schema';
import { CompanyFileRepository } from '../company/company-file.repository';
import { verifyPassword } from '../company/web-connector-password';
import { ListRefresh } from '../lists/list-refresh';
import { type ListType } from '../qbxml/qbxml-queries';
import { QBXML_VERSION } from '../qbxml/qbxml-fields';
import { messageSet } from '../qbxml/qbxml-requests';
import { parseQbxmlResponse, type QbxmlResponse } from '../qbxml/qbxml-response';
import { QueueRepository } from '../queue/queue.repository';
import { type QbdConfig } from '../qbd.config';
import { ResponseProcessor } from './response-processor';
import { type SessionDocument } from './session.schema';
import { SessionRepository } from './session.repository';
import { WorkSelector } from './work-selector';

/** The service's own version, returned by serverVersion. */
export const SERVER_VERSION = 'qbsync qbd 0.1.0';
/** The oldest Web Connector release this service was written against (2.1 added the SSL checks). */
const MIN_CLIENT_VERSION = [2, 1];
/** HRESULT of QuickBooks: a different company file is open. */
const HRESULT_OTHER_FILE_OPEN = '0x8004040A';
/** HRESULT of QuickBooks: the qbXML request could not be parsed. */
const HRESULT_PARSE_ERROR = '0x80040400';

/**
 * The operations of the QuickBooks Web Connector's SOAP service. Each call does only database work
 * and returns at once. Orders were turned into qbXML when they arrived, so no call waits on a
 * channel, the rules or the backlog.
 */
@Injectable()
export class WebConnectorService {
  private readonly logger: AppLogger;
  private readonly sessionSeconds: Histogram;
  private readonly sessionDocuments: Counter<'outcome'>;

  constructor(
    private readonly companyFiles: CompanyFileRepository,
    private readonly sessions: SessionRepository,
    private readonly queue: QueueRepository,
    private readonly selector: WorkSelector,
    private readonly processor: ResponseProcessor,
    private readonly listRefresh: ListRefresh,
    private readonly syncEvents: SyncEventPublisher,
    @Inject(APP_CONFIG) private readonly config: QbdConfig,
    metrics: MetricsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(WebConnectorService.name);
    // Session length is what to alert on: a session near the Web Connector's time budget is one
    // step from being cut off, and no sessions at all means the Web Connector stopped polling.
    this.sessionSeconds = metrics.histogram(
      'qbsync_qbd_session_seconds',
      'Length of Web Connector sessions, from authenticate to closeConnection',
      [],
      [5, 15, 30, 60, 120, 300, 600, 1200],
    );
    this.sessionDocuments = metrics.counter(
      'qbsync_qbd_session_requests_total',
      'qbXML requests answered in Web Connector sessions, by outcome',
      ['outcome'],
    );
  }

  serverVersion(): string {
    return SERVER_VERSION;
  }

  /** Returns "" to accept the client, or `W:` with a warning for a client older than 2.1. */
  clientVersion(version: string): string {
    const [major = 0, minor = 0] = version.split('.').map((part) => Number(part) || 0);
    const [minMajor = 0, minMinor = 0] = MIN_CLIENT_VERSION;

    if (major < minMajor || (major === minMajor && minor < minMinor)) {
      return `W:Web Connector ${version} is older than ${minMajor}.${minMinor}; update it from Intuit's site`;
    }

    return '';
  }

  /**
   * Returns `[ticket, outcome]`. The outcome is `nvu` for a wrong user or password, `none` when
   * nothing is queued or the company file is paused, and `busy` while another session of the file
   * runs. Otherwise it is the company file path to open, where "" uses the open file.
   */
  async authenticate(userName: string, password: string): Promise<[string, string]> {
    const companyFile = await this.companyFiles.findByUserName(userName);

    if (!companyFile || !(await verifyPassword(password, companyFile.passwordHash))) {
      this.logger.warn('Web Connector authentication failed', { userName });

      return ['', 'nvu'];
    }

    const accountId = companyFile._id;

    if (companyFile.paused) {
      return [randomUUID(), 'none'];
    }

    const listsDue = this.listsDue(companyFile);

    if (!listsDue && !(await this.queue.hasWork(accountId))) {
      return [randomUUID(), 'none'];
    }

    const ticket = randomUUID();

    if (
      !(await this.sessions.acquireLock(
        accountId,
        ticket,
        this.config.QBD_SESSION_LOCK_IDLE_SECONDS * 1000,
      ))
    ) {
      this.logger.info('Another Web Connector session of the company file is running', {
        accountId,
      });

      return [ticket, 'busy'];
    }

    const lost = await this.recoverAbandonedMessages(accountId, ticket);

    if (lost > 0) {
      this.logger.warn(
        'The last session ended before its response arrived; those requests are looked up first',
        {
          accountId,
          count: lost,
        },
      );
    }

    const now = new Date();

    await this.sessions.create({
      _id: ticket,
      accountId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.QBD_TICKET_MAX_SECONDS * 1000),
      lastSeenAt: now,
      inFlight: [],
      batchSize: companyFile.batchSize ?? Math.min(5, this.config.QBD_MAX_REQUESTS_PER_MESSAGE),
      stats: { messages: 0, posted: 0, failed: 0, lookedUp: 0 },
      workAtStart:
        (await this.queue.countInState(accountId, 'queued')) +
        (await this.queue.countInState(accountId, 'unknown')) +
        lost,
      unknownPossible: true,
    });
    await this.companyFiles.update(accountId, { lastSessionAt: now });
    this.logger.info('Web Connector session started', { accountId, ticket });

    return [ticket, companyFile.companyFile ?? ''];
  }

  /**
   * Returns the next qbXML message, or "" when there is nothing to send or the session cannot go
   * on (then getLastError explains).
   */
  async sendRequestXml(
    ticket: string,
    companyFileName: string,
    qbxmlMajorVersion: number,
    qbxmlMinorVersion: number,
  ): Promise<string> {
    const loaded = await this.liveSession(ticket);

    if (!loaded) {
      return '';
    }

    const { session, companyFile } = loaded;

    if (!(await this.checkCompanyFile(session, companyFile, companyFileName))) {
      return '';
    }

    if (qbxmlMajorVersion < 13) {
      await this.setLastError(
        session,
        `QuickBooks supports qbXML ${qbxmlMajorVersion}.${qbxmlMinorVersion}, but the service needs ${QBXML_VERSION} (QuickBooks 2015 or later); update QuickBooks`,
      );

      return '';
    }

    const prefix = `${session.stats.messages + 1}.`;
    let cursor = session.listCursor;

    if (!cursor && session.stats.messages === 0) {
      cursor = this.listRefresh.start(
        companyFile.listsRefreshedAt,
        this.config.QBD_LIST_REFRESH_MINUTES * 60_000,
        new Date(),
      );
    }

    let work;

    if (cursor) {
      work = { ...this.listRefresh.requests(cursor, prefix), settled: { posted: 0, failed: 0 } };
    } else {
      work = await this.selector.select(session, companyFile, session.batchSize);
    }

    if (work.requests.length === 0) {
      await this.setLastError(session, 'Nothing left to send in this session');

      return '';
    }

    // The session's inFlight list records the requests the Web Connector has. Marking each entry
    // instead would cost one slow FerretDB update per request while the Web Connector waits.
    await this.sessions.update(ticket, {
      inFlight: work.inFlight,
      messageSentAt: new Date(),
      lastSeenAt: new Date(),
      qbxmlVersion: QBXML_VERSION,
      stats: {
        ...session.stats,
        messages: session.stats.messages + 1,
        posted: session.stats.posted + work.settled.posted,
        failed: session.stats.failed + work.settled.failed,
      },
      // A selection without lookups found no unknown entries; after lookups, look again.
      ...(cursor
        ? {}
        : { unknownPossible: work.inFlight.some((request) => request.purpose === 'lookup') }),
      ...(cursor ? { listCursor: cursor } : {}),
    });

    return messageSet(work.requests, QBXML_VERSION);
  }

  /**
   * Applies QuickBooks' response and returns the percentage done: 1-99 while work remains, 100
   * when the queue is empty or the session's time budget is spent, negative after an error.
   */
  async receiveResponseXml(
    ticket: string,
    response: string,
    hresult: string,
    message: string,
  ): Promise<number> {
    const loaded = await this.liveSession(ticket);

    if (!loaded) {
      return -1;
    }

    const { session } = loaded;
    const accountId = session.accountId;

    if (hresult) {
      await this.applyQuickBooksError(session, hresult, message);

      return -1;
    }

    let responses: QbxmlResponse[];

    try {
      responses = parseQbxmlResponse(response, this.config.QBD_MAX_SOAP_BYTES);
    } catch (error) {
      await this.abandonInFlight(
        session,
        `QuickBooks' response could not be read: ${(error as Error).message}`,
      );
      throw error;
    }

    const byId = new Map(
      responses.map((qbxmlResponse) => [qbxmlResponse.requestId, qbxmlResponse]),
    );
    const listRequests = session.inFlight.filter((request) => request.purpose === 'list');
    let cursor = session.listCursor;

    if (cursor && listRequests.length > 0) {
      cursor = await this.listRefresh.apply(
        accountId,
        cursor,
        listRequests.map((request) => ({
          listType: request.listType as ListType,
          response: byId.get(request.requestId),
        })),
      );
    }

    const counts = await this.processor.apply(
      accountId,
      ticket,
      session.inFlight.filter((request) => request.purpose !== 'list'),
      byId,
    );
    const stats = {
      messages: session.stats.messages,
      posted: session.stats.posted + counts.posted,
      failed: session.stats.failed + counts.failed,
      lookedUp: session.stats.lookedUp + counts.lookedUp,
    };
    const batchSize = this.nextBatchSize(session);

    await this.sessions.update(ticket, {
      inFlight: [],
      lastSeenAt: new Date(),
      stats,
      batchSize,
      ...(counts.leftUnknown ? { unknownPossible: true } : {}),
    });
    if (!cursor && session.listCursor) {
      await this.sessions.unsetListCursor(ticket);
    } else if (cursor) {
      await this.sessions.update(ticket, { listCursor: cursor });
    }

    return this.percentDone(session, cursor !== undefined, stats);
  }

  /** Records why the Web Connector could not reach QuickBooks; returns "done" to end the session. */
  async connectionError(ticket: string, hresult: string, message: string): Promise<string> {
    const session = await this.sessions.find(ticket);

    if (!session) {
      return 'done';
    }

    const text = `The Web Connector could not reach QuickBooks (${hresult}): ${message}`;

    await this.abandonInFlight(session, text);
    await this.publishConnectionEvent(
      session.accountId,
      'connection-error',
      text,
      hresultFix(hresult),
    );

    return 'done';
  }

  async getLastError(ticket: string): Promise<string> {
    const session = await this.sessions.find(ticket);

    if (!session) {
      return 'The session ticket is unknown or has expired; the Web Connector starts a new session at its next scheduled run';
    }

    return session.lastError ?? '';
  }

  async closeConnection(ticket: string): Promise<string> {
    const session = await this.sessions.find(ticket);

    if (!session) {
      return 'OK';
    }

    if (session.inFlight.length > 0) {
      await this.abandonInFlight(session, 'The session closed before QuickBooks answered');
    }

    await this.sessions.update(ticket, { closedAt: new Date(), lastSeenAt: new Date() });
    await this.companyFiles.update(session.accountId, { batchSize: session.batchSize });
    await this.sessions.releaseLock(session.accountId, ticket);
    this.sessionSeconds.observe((Date.now() - session.createdAt.getTime()) / 1000);
    this.sessionDocuments.inc({ outcome: 'posted' }, session.stats.posted);
    this.sessionDocuments.inc({ outcome: 'failed' }, session.stats.failed);
    this.logger.info('Web Connector session closed', {
      accountId: session.accountId,
      ticket,
      ...session.stats,
    });

    return `OK: ${session.stats.posted} posted, ${session.stats.failed} failed in this session`;
  }

  private async liveSession(
    ticket: string,
  ): Promise<{ session: SessionDocument; companyFile: CompanyFileDocument } | undefined> {
    const session = ticket ? await this.sessions.find(ticket) : null;

    if (!session) {
      return undefined;
    }

    const now = Date.now();
    const expired =
      session.closedAt !== undefined ||
      session.expiresAt.getTime() <= now ||
      now - session.lastSeenAt.getTime() > this.idleMilliseconds();

    if (expired) {
      await this.setLastError(
        session,
        'The session ticket has expired; the Web Connector starts a new session at its next scheduled run',
      );

      return undefined;
    }

    const companyFile = await this.companyFiles.findByAccountId(session.accountId);

    if (!companyFile) {
      await this.setLastError(session, 'The company file is no longer paired with an account');

      return undefined;
    }

    return { session, companyFile };
  }

  /** The first session records the company file; a session from another file is refused. */
  private async checkCompanyFile(
    session: SessionDocument,
    companyFile: CompanyFileDocument,
    companyFileName: string,
  ): Promise<boolean> {
    if (!companyFileName) {
      return true;
    }

    if (!companyFile.companyFile) {
      await this.companyFiles.update(companyFile._id, { companyFile: companyFileName });

      return true;
    }

    if (companyFile.companyFile.toLowerCase() === companyFileName.toLowerCase()) {
      return true;
    }

    const text = `The Web Connector opened company file "${companyFileName}", but this account is paired with "${companyFile.companyFile}"; nothing was sent`;

    await this.setLastError(session, text);
    await this.publishConnectionEvent(
      session.accountId,
      `wrong-file:${session._id}`,
      text,
      `Open "${companyFile.companyFile}" in QuickBooks, or pair the account again from the file you use now`,
    );

    return false;
  }

  private async applyQuickBooksError(
    session: SessionDocument,
    hresult: string,
    message: string,
  ): Promise<void> {
    const text = `QuickBooks returned error ${hresult}: ${message}`;

    if (hresult.toUpperCase() === HRESULT_PARSE_ERROR.toUpperCase()) {
      // QuickBooks could not parse the message, which is a defect of this service: the requests
      // go to the failed lane so they do not block the queue, and the operator is alerted.
      const ids = session.inFlight
        .map((request) => request.entryId)
        .filter((id): id is string => !!id);

      await this.queue.setState(ids, 'failed', {
        status: { code: -1, message: text },
        fix: 'QuickBooks could not read the request. This is a defect of the service: report it with the order id',
      });
      this.logger.error('QuickBooks could not parse a qbXML message', undefined, {
        accountId: session.accountId,
        hresult,
        reason: message,
      });
      await this.sessions.update(session._id, { inFlight: [], lastError: text });

      return;
    }

    await this.abandonInFlight(session, text);
    await this.publishConnectionEvent(
      session.accountId,
      `qb-error:${session._id}`,
      text,
      hresultFix(hresult),
    );
  }

  /**
   * Marks the requests of earlier sessions that ended without their response (a dropped
   * connection, a Web Connector that gave up) as unknown, so this session looks them up before
   * anything is sent again. Returns how many there were.
   */
  private async recoverAbandonedMessages(accountId: string, ticket: string): Promise<number> {
    const abandoned = (await this.sessions.findUnclosed(accountId)).filter(
      (session) => session._id !== ticket && session.inFlight.length > 0,
    );
    const ids = abandoned.flatMap((session) =>
      session.inFlight.map((request) => request.entryId).filter((id): id is string => !!id),
    );

    await this.queue.setState(ids, 'unknown', {}, false, ['queued']);
    for (const session of abandoned) {
      await this.sessions.update(session._id, { inFlight: [], closedAt: new Date() });
    }

    return ids.length;
  }

  /** Marks the in-flight requests unknown, because they may or may not have reached QuickBooks. */
  private async abandonInFlight(session: SessionDocument, reason: string): Promise<void> {
    const ids = session.inFlight
      .map((request) => request.entryId)
      .filter((id): id is string => !!id);

    await this.queue.setState(ids, 'unknown');
    await this.sessions.update(session._id, {
      inFlight: [],
      lastError: reason,
      lastSeenAt: new Date(),
    });
    this.logger.warn('Web Connector session lost its message', {
      accountId: session.accountId,
      ticket: session._id,
      requests: ids.length,
      reason,
    });
  }

  private async setLastError(session: SessionDocument, text: string): Promise<void> {
    await this.sessions.update(session._id, { lastError: text });
  }

  private async percentDone(
    session: SessionDocument,
    listsPending: boolean,
    stats: SessionDocument['stats'],
  ): Promise<number> {
    if (Date.now() - session.createdAt.getTime() > this.config.QBD_SESSION_BUDGET_SECONDS * 1000) {
      this.logger.info('Session time budget spent; the next session continues', {
        accountId: session.accountId,
        ticket: session._id,
      });

      return 100;
    }

    if (listsPending) {
      return 1;
    }

    const done = stats.posted + stats.failed;

    // While fewer entries settled than were queued at the start, work certainly remains; only
    // then is the queue asked, which costs a scan.
    if (done >= session.workAtStart && !(await this.queue.hasWork(session.accountId))) {
      return 100;
    }

    // Work queued during the session is not in the base, so the figure stays below 100 until the
    // queue is empty.
    const base = Math.max(session.workAtStart, done + 1);

    return Math.min(99, Math.max(1, Math.floor((done / base) * 100)));
  }

  /**
   * Sizes the next message from how long QuickBooks took for this one, so one message stays
   * within the target time. The size at most doubles from one message to the next.
   */
  private nextBatchSize(session: SessionDocument): number {
    const max = this.config.QBD_MAX_REQUESTS_PER_MESSAGE;
    const requests = session.inFlight.length;

    if (!session.messageSentAt || requests === 0) {
      return session.batchSize;
    }

    const elapsed = Math.max(1, Date.now() - session.messageSentAt.getTime());
    const perRequest = elapsed / requests;
    const fitting = Math.floor((this.config.QBD_TARGET_MESSAGE_SECONDS * 1000) / perRequest);

    return Math.max(1, Math.min(max, session.batchSize * 2, fitting));
  }

  private listsDue(companyFile: CompanyFileDocument): boolean {
    return (
      !companyFile.listsRefreshedAt ||
      Date.now() - companyFile.listsRefreshedAt.getTime() >
        this.config.QBD_LIST_REFRESH_MINUTES * 60_000
    );
  }

  private idleMilliseconds(): number {
    return this.config.QBD_TICKET_IDLE_SECONDS * 1000;
  }

  private async publishConnectionEvent(
    accountId: string,
    suffix: string,
    message: string,
    fix: string,
  ): Promise<void> {
    await this.syncEvents.publish({
      eventId: `${accountId}:qbd:${suffix}:${Date.now()}`,
      accountId,
      channel: 'custom',
      entity: 'connection',
      stage: 'qbd',
      status: 'failed',
      message,
      fix,
    });
  }
}

function hresultFix(hresult: string): string {
  if (hresult.toUpperCase() === HRESULT_OTHER_FILE_OPEN.toUpperCase()) {
    return 'Another company file is open in QuickBooks: open the paired file, or close QuickBooks so the Web Connector can open it';
  }

  return "Check that QuickBooks is installed and can open the company file on the Web Connector's computer; the next session retries";
}
