import { randomUUID } from 'node:crypto';

import { Body, Controller, Get, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { Subjects } from '@qbsync/contracts';
import { parseRequest } from '@qbsync/platform';
import { z } from 'zod';

import { ApiTokenGuard } from '../auth/api-token.guard';
import { RpcClient } from '../rpc/rpc.client';
import { AccountRepository } from './account.repository';
import { type AccountDocument } from './account.schema';

const createAccountSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  target: z.enum(['qbo', 'qbd']).default('qbo'),
});

@Controller('api/accounts')
@UseGuards(ApiTokenGuard)
export class AccountsController {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly rpc: RpcClient,
  ) {}

  @Post()
  async create(@Body() body: unknown): Promise<AccountDocument> {
    const request = parseRequest(createAccountSchema, body);
    const account: AccountDocument = {
      accountId: randomUUID(),
      name: request.name,
      target: request.target,
      createdAt: new Date(),
    };

    await this.accounts.createAccount(account);
    await this.rpc.send(Subjects.RuleSetPut, {
      accountId: account.accountId,
      target: account.target,
    });

    return account;
  }

  @Get(':accountId')
  async get(@Param('accountId') accountId: string): Promise<AccountDocument> {
    const account = await this.accounts.findAccount(accountId);

    if (!account) {
      throw new NotFoundException(`account ${accountId} not found`);
    }

    return account;
  }
}
