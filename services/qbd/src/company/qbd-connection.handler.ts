import { randomBytes, randomUUID } from 'node:crypto';

import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  parseMessage,
  qbdConnectionPairSchema,
  type QbdConnectionStatus,
  qbdPasswordResetSchema,
  type QbdQwc,
  qbdQwcGetSchema,
  Subjects,
} from '@qbsync/contracts';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';
import { type z } from 'zod';

import { DEFAULT_QBD_SETTINGS, qbdSettingsSchema } from '../posting/qbd-settings';
import { type QbdConfig } from '../qbd.config';
import { QueueRepository } from '../queue/queue.repository';
import { QBWC_PATH } from '../soap/web-connector.controller';
import { type CompanyFileDocument } from './company-file.schema';
import { CompanyFileRepository } from './company-file.repository';
import { renderQwc } from './qwc-file';
import { generatePassword, hashPassword } from './web-connector-password';

/** Braced upper-case GUID, the form the Web Connector expects for OwnerID and FileID. */
function bracedGuid(): string {
  return `{${randomUUID().toUpperCase()}}`;
}

/**
 * Pairs company files on the gateway's request: the Web Connector user, a random password that
 * is returned once and stored only as a scrypt hash, and the `.qwc` file.
 */
@Controller()
export class QbdConnectionHandler {
  private readonly logger: AppLogger;

  constructor(
    private readonly companyFiles: CompanyFileRepository,
    private readonly queue: QueueRepository,
    @Inject(APP_CONFIG) private readonly config: QbdConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QbdConnectionHandler.name);
  }

  @MessagePattern(Subjects.QbdConnectionPair)
  async pair(@Payload() payload: unknown): Promise<QbdConnectionStatus> {
    const request = parse(qbdConnectionPairSchema, payload);
    const settings = parseSettings(request.settings);
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    const existing = await this.companyFiles.findByAccountId(request.accountId);
    const now = new Date();

    if (existing) {
      // Pairing again issues a new password and keeps the identifiers (the connection id too, so
      // the account lists one Desktop connection), the queue and the lists.
      await this.companyFiles.update(request.accountId, {
        passwordHash,
        appName: request.appName,
        runEveryNMinutes: request.runEveryNMinutes,
        settings: { ...existing.settings, ...settings },
      });
    } else {
      await this.companyFiles.create({
        _id: request.accountId,
        connectionId: request.connectionId,
        userName: `qbsync-${randomBytes(6).toString('hex')}`,
        passwordHash,
        ownerId: bracedGuid(),
        fileId: bracedGuid(),
        appName: request.appName,
        runEveryNMinutes: request.runEveryNMinutes,
        homeCurrency: request.homeCurrency,
        paused: false,
        settings: { ...DEFAULT_QBD_SETTINGS, ...settings },
        features: {},
        createdAt: now,
        updatedAt: now,
      });
    }

    this.logger.info('QuickBooks Desktop company file paired', { accountId: request.accountId });

    return { ...(await this.status(request.accountId)), password };
  }

  @MessagePattern(Subjects.QbdPasswordReset)
  async resetPassword(@Payload() payload: unknown): Promise<QbdConnectionStatus> {
    const request = parse(qbdPasswordResetSchema, payload);
    const existing = await this.requirePaired(request.accountId);
    const password = generatePassword();

    await this.companyFiles.update(existing._id, { passwordHash: await hashPassword(password) });
    this.logger.info('Web Connector password changed', { accountId: request.accountId });

    return { ...(await this.status(request.accountId)), password };
  }

  /** Returns the pairing's state, whose `lastSessionAt` is set once the Web Connector has run. */
  @MessagePattern(Subjects.QbdConnectionStatusGet)
  async getStatus(@Payload() payload: unknown): Promise<QbdConnectionStatus> {
    const request = parse(qbdQwcGetSchema, payload);

    return this.status(request.accountId);
  }

  @MessagePattern(Subjects.QbdQwcGet)
  async qwc(@Payload() payload: unknown): Promise<QbdQwc> {
    const request = parse(qbdQwcGetSchema, payload);
    const companyFile = await this.requirePaired(request.accountId);
    const base = this.config.QBD_PUBLIC_URL;

    return {
      fileName: `${companyFile.appName.replace(/[^\w.-]+/g, '-')}.qwc`,
      xml: renderQwc({
        appName: companyFile.appName,
        appUrl: new URL(QBWC_PATH, base).toString(),
        appDescription: 'Posts channel orders and refunds into QuickBooks Desktop',
        appSupport: new URL(`${QBWC_PATH}/support`, base).toString(),
        userName: companyFile.userName,
        ownerId: companyFile.ownerId,
        fileId: companyFile.fileId,
        runEveryNMinutes: companyFile.runEveryNMinutes,
      }),
    };
  }

  private async status(accountId: string): Promise<QbdConnectionStatus> {
    const companyFile = await this.requirePaired(accountId);

    return {
      accountId,
      connectionId: companyFile.connectionId,
      userName: companyFile.userName,
      ownerId: companyFile.ownerId,
      fileId: companyFile.fileId,
      companyFile: companyFile.companyFile,
      lastSessionAt: companyFile.lastSessionAt?.toISOString(),
      queued: await this.queue.countInState(accountId, 'queued'),
      failed: await this.queue.countInState(accountId, 'failed'),
    };
  }

  private async requirePaired(accountId: string): Promise<CompanyFileDocument> {
    const companyFile = await this.companyFiles.findByAccountId(accountId);

    if (!companyFile) {
      throw new RpcException({
        code: 'invalid_request',
        message: `account ${accountId} has no QuickBooks Desktop company file paired; pair one first`,
      });
    }

    return companyFile;
  }
}

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const parsed = parseMessage(schema, payload);

  if (!parsed.ok) {
    throw new RpcException({ code: 'invalid_request', message: parsed.error });
  }

  return parsed.value;
}

/** Validates the posting settings a pairing request names; unknown names are rejected. */
function parseSettings(
  settings: Record<string, string | boolean>,
): Partial<Record<string, unknown>> {
  const parsed = qbdSettingsSchema.partial().strict().safeParse(settings);

  if (!parsed.success) {
    const problems = parsed.error.issues
      .map(
        (issue) =>
          `settings.${issue.path.join('.') || (issue as { keys?: string[] }).keys?.join(', ')}: ${issue.message}`,
      )
      .join('; ');

    throw new RpcException({ code: 'invalid_request', message: problems });
  }

  return parsed.data;
}
