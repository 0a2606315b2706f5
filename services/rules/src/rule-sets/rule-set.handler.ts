import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { parseMessage, ruleSetPutSchema, Subjects } from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';

import { RuleSetCache } from './rule-set.cache';
import { RuleSetRepository } from './rule-set.repository';
import { type RuleSetDocument } from './rule-set.schema';

@Controller()
export class RuleSetHandler {
  private readonly logger: AppLogger;

  constructor(
    private readonly repository: RuleSetRepository,
    private readonly cache: RuleSetCache,
    logger: AppLogger,
  ) {
    this.logger = logger.child(RuleSetHandler.name);
  }

  @MessagePattern(Subjects.RuleSetPut)
  async putRuleSet(@Payload() payload: unknown): Promise<RuleSetDocument> {
    const parsed = parseMessage(ruleSetPutSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    const ruleSet = await this.repository.putTarget(parsed.value.accountId, parsed.value.target);

    this.cache.forget(ruleSet.accountId);
    this.logger.info('Rule set stored', { accountId: ruleSet.accountId, version: ruleSet.version });

    return ruleSet;
  }
}
