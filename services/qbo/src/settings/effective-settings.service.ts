import { Injectable } from '@nestjs/common';
import { type QboPostingSettings } from '@qbsync/contracts';

import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { PostingSettingsRepository } from './posting-settings.repository';

/**
 * Returns the posting settings in force for an account. Until the account saves settings, the
 * missing-product action is the one chosen when the company was connected (create or fail), so
 * connections made before the settings API keep behaving as they did.
 */
@Injectable()
export class EffectiveSettingsService {
  constructor(
    private readonly settings: PostingSettingsRepository,
    private readonly connections: QboConnectionRepository,
  ) {}

  async get(accountId: string): Promise<QboPostingSettings> {
    const reply = await this.settings.read(accountId);

    if (reply.updatedAt !== undefined) {
      return reply.settings;
    }

    const connection = await this.connections.findByAccountId(accountId);

    if (connection?.missingItemAction !== 'fail') {
      return reply.settings;
    }

    return {
      ...reply.settings,
      itemMatching: { ...reply.settings.itemMatching, missingProductAction: 'fail' },
    };
  }
}
