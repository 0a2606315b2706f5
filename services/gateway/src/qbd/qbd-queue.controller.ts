import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  CHANNELS,
  QBD_QUEUE_STATES,
  type QbdOrderReplaceResult,
  type QbdQueueActionResult,
  type QbdQueuePage,
  Subjects,
} from '@qbsync/contracts';
import { parseRequest } from '@qbsync/platform';
import { z } from 'zod';

import { AccountRepository } from '../accounts/account.repository';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { RpcClient } from '../rpc/rpc.client';

const listQuerySchema = z.object({
  state: z.enum(QBD_QUEUE_STATES).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be 1 to 200')
    .max(200, 'must be 1 to 200')
    .default(50),
  cursor: z.string().min(1).optional(),
});

const QUEUE_ACTIONS = ['retry', 'skip', 'cancel'] as const;

/**
 * The Queue tab of a QuickBooks Desktop account: pending, posted and stuck qbXML requests of the
 * company file, the retry, skip and cancel actions, and the replace of an edited order's document.
 * The qbd service does the work and logs each action as a sync event.
 */
@Controller('api/accounts/:accountId/qbd')
@UseGuards(ApiTokenGuard)
export class QbdQueueController {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly rpc: RpcClient,
  ) {}

  @Get('queue')
  async list(
    @Param('accountId') accountId: string,
    @Query() query: unknown,
  ): Promise<QbdQueuePage> {
    await this.requireDesktopAccount(accountId);
    const request = parseRequest(listQuerySchema, query ?? {});

    return this.rpc.send<QbdQueuePage>(Subjects.QbdQueueList, { accountId, ...request });
  }

  @Post('queue/:entryId/:action')
  @HttpCode(200)
  async act(
    @Param('accountId') accountId: string,
    @Param('entryId') entryId: string,
    @Param('action') action: string,
  ): Promise<QbdQueueActionResult> {
    if (!(QUEUE_ACTIONS as readonly string[]).includes(action)) {
      throw new NotFoundException(
        `queue action "${action}" does not exist; use retry, skip or cancel`,
      );
    }

    await this.requireDesktopAccount(accountId);

    return this.rpc.send<QbdQueueActionResult>(Subjects.QbdQueueAction, {
      accountId,
      entryId,
      action,
    });
  }

  @Post('orders/:channel/:channelOrderId/replace')
  @HttpCode(200)
  async replace(
    @Param('accountId') accountId: string,
    @Param('channel') channel: string,
    @Param('channelOrderId') channelOrderId: string,
  ): Promise<QbdOrderReplaceResult> {
    if (!(CHANNELS as readonly string[]).includes(channel)) {
      throw new BadRequestException(
        `channel "${channel}" is invalid; use one of ${CHANNELS.join(', ')}`,
      );
    }

    await this.requireDesktopAccount(accountId);
    const result = await this.rpc.send<QbdOrderReplaceResult>(Subjects.QbdOrderReplace, {
      accountId,
      channel,
      channelOrderId,
    });

    if (result.outcome === 'rejected') {
      throw new ConflictException(result.message);
    }

    return result;
  }

  private async requireDesktopAccount(accountId: string): Promise<void> {
    const account = await this.accounts.findAccount(accountId);

    if (!account) {
      throw new NotFoundException(`account ${accountId} not found`);
    }

    if (account.target !== 'qbd') {
      throw new BadRequestException(
        `account ${accountId} posts to QuickBooks Online; the QuickBooks Desktop queue needs an account created with target qbd`,
      );
    }
  }
}
