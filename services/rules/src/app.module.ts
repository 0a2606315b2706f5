import { Module } from '@nestjs/common';

import { OrderReceivedWorker } from './orders/order-received.worker';
import { RuleSetCache } from './rule-sets/rule-set.cache';
import { RuleSetHandler } from './rule-sets/rule-set.handler';
import { RuleSetRepository } from './rule-sets/rule-set.repository';

@Module({
  controllers: [RuleSetHandler],
  providers: [RuleSetRepository, RuleSetCache, OrderReceivedWorker],
})
export class RulesModule {}
