import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Put,
  UseGuards,
} from '@nestjs/common';
import {
  type QboPostingSettingsReply,
  qboPostingSettingsSchema,
  Subjects,
} from '@qbsync/contracts';
import { AppLogger, parseRequest } from '@qbsync/platform';

import { AccountRepository } from '../accounts/account.repository';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { RpcClient } from '../rpc/rpc.client';

const SETTINGS_ROUTE = 'api/accounts/:accountId/connections/quickbooks-online/settings';

/**
 * Reads and replaces the posting settings of an account's QuickBooks Online connection: which
 * document an order becomes, how customers and items are matched, accounts, items and tax. The
 * qbo service stores them; a PUT replaces the whole set, and fields left out take their defaults.
 */
@Controller()
export class QboSettingsController {
  private readonly logger: AppLogger;

  constructor(
    private readonly accounts: AccountRepository,
    private readonly rpc: RpcClient,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboSettingsController.name);
  }

  @Get(SETTINGS_ROUTE)
  @UseGuards(ApiTokenGuard)
  async get(@Param('accountId') accountId: string): Promise<QboPostingSettingsReply> {
    await this.requireAccount(accountId);

    return this.rpc.send<QboPostingSettingsReply>(Subjects.QboPostingSettingsGet, { accountId });
  }

  @Put(SETTINGS_ROUTE)
  @UseGuards(ApiTokenGuard)
  async put(
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<QboPostingSettingsReply> {
    const account = await this.requireAccount(accountId);

    if (account.target === 'qbd') {
      throw new BadRequestException(
        `account ${accountId} posts to QuickBooks Desktop, so QuickBooks Online settings never apply; set Desktop settings when pairing the company file (POST .../connections/quickbooks-desktop)`,
      );
    }

    // Checked here too, so a bad field is a 400 naming it before anything crosses NATS.
    const settings = parseRequest(qboPostingSettingsSchema, body ?? {});
    const reply = await this.rpc.send<QboPostingSettingsReply>(Subjects.QboPostingSettingsPut, {
      accountId,
      settings,
    });

    this.logger.info('QuickBooks Online posting settings replaced', {
      accountId,
      transactionMode: settings.transactionMode,
    });

    return reply;
  }

  private async requireAccount(accountId: string) {
    const account = await this.accounts.findAccount(accountId);

    if (!account) {
      throw new NotFoundException(`account ${accountId} not found`);
    }

    return account;
  }
}
