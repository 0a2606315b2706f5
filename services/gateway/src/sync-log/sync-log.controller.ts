import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { SYNC_STATUSES } from '@qbsync/contracts';
import { parseRequest } from '@qbsync/platform';
import { z } from 'zod';

import { AccountRepository } from '../accounts/account.repository';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { type SyncEventDocument } from './sync-event.schema';
import { SyncEventRepository } from './sync-event.repository';

const listQuerySchema = z.object({
  status: z.enum(SYNC_STATUSES).optional(),
  orderId: z.string().min(1).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
});

/** The sync activity log: every outcome of the last seven days, newest first. */
@Controller('api/accounts/:accountId/sync-events')
@UseGuards(ApiTokenGuard)
export class SyncLogController {
  constructor(
    private readonly events: SyncEventRepository,
    private readonly accounts: AccountRepository,
  ) {}

  @Get()
  async list(
    @Param('accountId') accountId: string,
    @Query() query: unknown,
  ): Promise<SyncEventDocument[]> {
    const filter = parseRequest(listQuerySchema, query);

    if (!(await this.accounts.findAccount(accountId))) {
      throw new NotFoundException(`account ${accountId} not found`);
    }

    return this.events.list({
      accountId,
      status: filter.status,
      channelOrderId: filter.orderId,
      since: filter.since ? new Date(filter.since) : undefined,
      limit: filter.limit,
    });
  }
}
