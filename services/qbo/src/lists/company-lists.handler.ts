import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  type CompanyLists,
  companyListsGetSchema,
  type CompanyListEntry,
  parseMessage,
  Subjects,
} from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';

import { QboNotConnectedError } from '../connection/qbo-access';
import { QboReconnectNeededError } from '../connection/qbo-token.service';
import { CompanyListsService } from './company-lists.service';
import { type CompanyListsSnapshot, type ListEntry } from './company-lists.types';

/** Serves other services' requests for a company's lists from the cache (rules validate against it). */
@Controller()
export class CompanyListsHandler {
  private readonly logger: AppLogger;

  constructor(
    private readonly lists: CompanyListsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(CompanyListsHandler.name);
  }

  @MessagePattern(Subjects.QboCompanyListsGet)
  async get(@Payload() payload: unknown): Promise<CompanyLists> {
    const parsed = parseMessage(companyListsGetSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    const { accountId, refresh } = parsed.value;

    try {
      return toContract(await this.lists.get(accountId, { refresh }));
    } catch (error) {
      if (error instanceof QboNotConnectedError) {
        throw new RpcException({ code: 'not_connected', message: error.message });
      }

      if (error instanceof QboReconnectNeededError) {
        throw new RpcException({
          code: 'reconnect_needed',
          message: 'QuickBooks Online needs to be reconnected before its lists can be read',
        });
      }

      this.logger.error('Could not read QuickBooks company lists', error, { accountId });
      throw new RpcException({
        code: 'lists_unavailable',
        message: `Could not read the QuickBooks company lists: ${(error as Error).message}`,
      });
    }
  }
}

function toContract(lists: CompanyListsSnapshot): CompanyLists {
  const entry = ({ id, name, active }: ListEntry): CompanyListEntry => ({ id, name, active });

  return {
    accountId: lists.accountId,
    target: 'qbo',
    refreshedAt: lists.refreshedAt.toISOString(),
    homeCurrency: lists.preferences.homeCurrency,
    accounts: lists.accounts.map((account) => ({
      ...entry(account),
      accountType: account.accountType,
    })),
    classes: lists.classes.map(entry),
    locations: lists.locations.map(entry),
    taxCodes: lists.taxCodes.map(entry),
    paymentMethods: lists.paymentMethods.map(entry),
    terms: lists.terms.map(entry),
    currencies: lists.currencies,
    // QuickBooks Online has no price levels, sales reps list, units of measure or inventory
    // sites in its API; these lists belong to QuickBooks Desktop.
    priceLevels: [],
    salesReps: [],
    unitsOfMeasure: [],
    inventorySites: [],
  };
}
