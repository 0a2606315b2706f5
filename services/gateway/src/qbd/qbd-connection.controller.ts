import { randomUUID } from 'node:crypto';

import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import { type QbdConnectionStatus, type QbdQwc, Subjects } from '@qbsync/contracts';
import { parseRequest } from '@qbsync/platform';
import { type Response } from 'express';
import { z } from 'zod';

import { AccountRepository } from '../accounts/account.repository';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { RpcClient } from '../rpc/rpc.client';

const pairSchema = z.object({
  appName: z.string().trim().min(1).max(200).optional(),
  runEveryNMinutes: z
    .number()
    .int()
    .min(1, 'must be 1 to 60')
    .max(60, 'must be 1 to 60')
    .optional(),
  homeCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as USD')
    .optional(),
  /** Posting settings by name; the qbd service validates them. */
  settings: z.record(z.string(), z.union([z.string(), z.boolean()])).optional(),
});

/**
 * QuickBooks Desktop pairing: create the Web Connector user and password (shown once), issue a new
 * password, and download the `.qwc` file the user adds to the Web Connector.
 */
@Controller('api/accounts/:accountId/connections/quickbooks-desktop')
@UseGuards(ApiTokenGuard)
export class QbdConnectionController {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly rpc: RpcClient,
  ) {}

  @Post()
  @HttpCode(201)
  async pair(
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<QbdConnectionStatus> {
    await this.requireDesktopAccount(accountId);
    const request = parseRequest(pairSchema, body ?? {});

    const status = await this.rpc.send<QbdConnectionStatus>(Subjects.QbdConnectionPair, {
      accountId,
      connectionId: randomUUID(),
      ...request,
    });

    // Listed with the account's other connections; `pending` until the Web Connector first runs,
    // which the qbd service reports in `lastSessionAt`.
    await this.accounts.upsertConnection({
      connectionId: status.connectionId,
      accountId,
      kind: 'qbd',
      status: status.lastSessionAt ? 'connected' : 'pending',
      updatedAt: new Date(),
    });

    return status;
  }

  @Post('password')
  @HttpCode(201)
  async resetPassword(@Param('accountId') accountId: string): Promise<QbdConnectionStatus> {
    await this.requireDesktopAccount(accountId);

    return this.rpc.send<QbdConnectionStatus>(Subjects.QbdPasswordReset, { accountId });
  }

  @Get('qwc')
  async downloadQwc(
    @Param('accountId') accountId: string,
    @Res() response: Response,
  ): Promise<void> {
    await this.requireDesktopAccount(accountId);
    const qwc = await this.rpc.send<QbdQwc>(Subjects.QbdQwcGet, { accountId });

    response
      .status(200)
      .type('application/xml; charset=utf-8')
      .attachment(qwc.fileName)
      .send(qwc.xml);
  }

  private async requireDesktopAccount(accountId: string): Promise<void> {
    const account = await this.accounts.findAccount(accountId);

    if (!account) {
      throw new NotFoundException(`account ${accountId} not found`);
    }

    if (account.target !== 'qbd') {
      throw new BadRequestException(
        `account ${accountId} posts to QuickBooks Online; QuickBooks Desktop pairing needs an account created with target qbd`,
      );
    }
  }
}
