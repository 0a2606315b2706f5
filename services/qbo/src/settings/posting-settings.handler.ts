import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  parseMessage,
  type QboPostingSettingsReply,
  qboPostingSettingsGetSchema,
  qboPostingSettingsPutSchema,
  Subjects,
} from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';

import { PostingSettingsRepository } from './posting-settings.repository';

/** Stores and returns QuickBooks Online posting settings on the gateway's request. */
@Controller()
export class PostingSettingsHandler {
  private readonly logger: AppLogger;

  constructor(
    private readonly settings: PostingSettingsRepository,
    logger: AppLogger,
  ) {
    this.logger = logger.child(PostingSettingsHandler.name);
  }

  @MessagePattern(Subjects.QboPostingSettingsPut)
  async put(@Payload() payload: unknown): Promise<QboPostingSettingsReply> {
    const parsed = parseMessage(qboPostingSettingsPutSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    const reply = await this.settings.put(parsed.value.accountId, parsed.value.settings);

    this.logger.info('QuickBooks Online posting settings saved', {
      accountId: parsed.value.accountId,
      transactionMode: reply.settings.transactionMode,
      refundMode: reply.settings.refundMode,
    });

    return reply;
  }

  @MessagePattern(Subjects.QboPostingSettingsGet)
  async get(@Payload() payload: unknown): Promise<QboPostingSettingsReply> {
    const parsed = parseMessage(qboPostingSettingsGetSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    return this.settings.read(parsed.value.accountId);
  }
}
