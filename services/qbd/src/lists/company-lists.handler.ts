import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  type CompanyListEntry,
  type CompanyLists,
  companyListsGetSchema,
  parseMessage,
  Subjects,
} from '@qbsync/contracts';

import { CompanyFileRepository } from '../company/company-file.repository';
import { type ListEntryDocument } from './list-entry.schema';
import { ListCopyRepository } from './list-copy.repository';

/**
 * Serves QbdCompanyListsGet from the local list copy. A Desktop company file is only reachable
 * during a Web Connector session, so `refresh` makes the next session read every list again.
 */
@Controller()
export class CompanyListsHandler {
  constructor(
    private readonly lists: ListCopyRepository,
    private readonly companyFiles: CompanyFileRepository,
  ) {}

  @MessagePattern(Subjects.QbdCompanyListsGet)
  async get(@Payload() payload: unknown): Promise<CompanyLists> {
    const parsed = parseMessage(companyListsGetSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    const { accountId, refresh } = parsed.value;
    const companyFile = await this.companyFiles.findByAccountId(accountId);

    if (!companyFile) {
      throw new RpcException({
        code: 'invalid_request',
        message: `account ${accountId} has no QuickBooks Desktop company file paired; pair one first`,
      });
    }

    if (refresh) {
      await this.companyFiles.update(accountId, { listsRefreshedAt: new Date(0) });
    }

    const read = async (listType: string): Promise<CompanyListEntry[]> =>
      (await this.lists.list(accountId, listType)).map(toNamedEntry);
    const accounts = await this.lists.list(accountId, 'Account');
    const currencies = await this.lists.list(accountId, 'Currency');

    return {
      accountId,
      target: 'qbd',
      refreshedAt: (companyFile.listsRefreshedAt ?? new Date(0)).toISOString(),
      homeCurrency: companyFile.homeCurrency,
      accounts: accounts.map((entry) => ({
        ...toNamedEntry(entry),
        accountType: entry.details.accountType ?? '',
      })),
      classes: await read('Class'),
      // QuickBooks Desktop has no locations; inventory sites are listed separately.
      locations: [],
      taxCodes: [...(await read('SalesTaxCode')), ...(await read('ItemSalesTax'))],
      paymentMethods: await read('PaymentMethod'),
      terms: await read('Terms'),
      currencies: currencies
        .map((entry) => entry.details.currencyCode)
        .filter((code): code is string => Boolean(code)),
      priceLevels: await read('PriceLevel'),
      salesReps: await read('SalesRep'),
      unitsOfMeasure: await read('UnitOfMeasureSet'),
      inventorySites: await read('InventorySite'),
    };
  }
}

function toNamedEntry(entry: ListEntryDocument): CompanyListEntry {
  return { id: entry.listId, name: entry.fullName, active: entry.active };
}
