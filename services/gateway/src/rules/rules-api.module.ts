import { Module } from '@nestjs/common';

import { AccountRepository } from '../accounts/account.repository';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { RulesController } from './rules.controller';
import { RulesRpcClient } from './rules-rpc.client';

/** The `/api/accounts/:accountId/rules` routes, which forward to the rules service. */
@Module({
  controllers: [RulesController],
  providers: [ApiTokenGuard, AccountRepository, RulesRpcClient],
})
export class RulesApiModule {}
