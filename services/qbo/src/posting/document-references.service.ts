import { Injectable } from '@nestjs/common';
import { type PlanCustomer, type PlanLine, type RefundPlanLine } from '@qbsync/accounting';
import { type Order, type PostingOverrides, type QboPostingSettings } from '@qbsync/contracts';

import { CompanySettingsService } from '../matching/company-settings.service';
import { CustomerMatcherService } from '../matching/customer-matcher.service';
import { ItemMatcherService } from '../matching/item-matcher.service';
import { type QboSession } from '../matching/qbo-session';
import { pickJurisdictionTaxCode } from '../settings/tax-jurisdiction';
import { type DocumentReferences, type TaxPosting } from './qbo-document.body';
import { PostingError, PostingErrorCode } from './posting.errors';
import { chooseVatCodeNames } from './vat-codes';

/** US companies' pseudo tax codes for sales lines: taxable and non-taxable. */
const US_TAXABLE_CODE = 'TAX';
const US_NON_TAXABLE_CODE = 'NON';

export interface ReferenceRequest {
  order: Order;
  settings: QboPostingSettings;
  overrides?: PostingOverrides;
  /** The plan's customer: names, email, phone and addresses for a new customer. */
  customer: PlanCustomer;
  currency: string;
  txnDate: string;
  lines: ReadonlyArray<PlanLine | RefundPlanLine>;
  /** A sales receipt posts gift-card redemptions as a line on this item. */
  needsGiftCardItem?: boolean;
}

/**
 * Resolves everything a document body references, by the names the settings and the rules give:
 * customer, items, class, location, tax codes and the transaction currency. Everything that can
 * be checked before sending is checked here (multicurrency, VAT/GST codes), so QuickBooks'
 * business validation error 6000 does not happen for those.
 */
@Injectable()
export class DocumentReferencesService {
  constructor(
    private readonly company: CompanySettingsService,
    private readonly customers: CustomerMatcherService,
    private readonly items: ItemMatcherService,
  ) {}

  async resolve(
    session: QboSession,
    request: ReferenceRequest,
    warnings: string[],
  ): Promise<DocumentReferences> {
    const { settings, overrides, order } = request;
    let company = await this.company.get(session);
    const foreign = request.currency !== company.homeCurrency;

    if (foreign && !company.multiCurrencyEnabled) {
      // The user may have turned multicurrency on since the preferences were read.
      company = await this.company.get(session, true);
    }

    if (foreign && !company.multiCurrencyEnabled) {
      throw new PostingError(
        `The order is in ${request.currency} but the QuickBooks company works only in ${company.homeCurrency}`,
        `Turn on multicurrency in QuickBooks Online (Account and settings, Advanced, Currency), or add a Map Currency Code rule that posts ${company.homeCurrency} amounts, then re-sync the order`,
        PostingErrorCode.QuickBooksRejected,
      );
    }

    const customerId = await this.customers.resolve(session, {
      order,
      customer: request.customer,
      currency: request.currency,
      homeCurrency: company.homeCurrency,
      settings: settings.customerMatching,
      overrideName: overrides?.customerName,
    });
    const lineItemIds = await this.resolveLineItems(session, request, warnings);
    const taxPosting: TaxPosting = company.country === 'US' ? settings.tax.mode : 'vat';
    const references: DocumentReferences = {
      customerId,
      lineItemIds,
      lineClassIds: await this.resolveLineClasses(session, request),
      taxPosting,
      taxableCode: US_TAXABLE_CODE,
      nonTaxableCode: US_NON_TAXABLE_CODE,
      billAddress: order.billingAddress ?? order.shippingAddress,
      shipAddress: order.shippingAddress,
    };

    await this.resolveTax(session, request, references, company.automatedSalesTax, warnings);
    await this.resolveHeaderLists(session, request, references);

    if (foreign) {
      references.currency = request.currency;
      references.exchangeRate = order.exchangeRate;
    }

    if (request.needsGiftCardItem) {
      references.giftCardItemId = await this.items.resolveSystemItem(
        session,
        settings.giftCardItem,
        'Gift card redemptions',
        settings.itemMatching,
      );
    }

    const discountItem = overrides?.discountItem ?? settings.discountItem;

    if (discountItem) {
      references.discountItemId = await this.items.resolveSystemItem(
        session,
        discountItem,
        'Discounts',
        settings.itemMatching,
      );
    }

    return references;
  }

  /** Resolves only the customer, for documents without lines of their own such as payments. */
  async resolveCustomer(session: QboSession, request: ReferenceRequest): Promise<string> {
    const company = await this.company.get(session);

    return this.customers.resolve(session, {
      order: request.order,
      customer: request.customer,
      currency: request.currency,
      homeCurrency: company.homeCurrency,
      settings: request.settings.customerMatching,
      overrideName: request.overrides?.customerName,
    });
  }

  private async resolveLineItems(
    session: QboSession,
    request: ReferenceRequest,
    warnings: string[],
  ): Promise<string[]> {
    const { settings, overrides } = request;
    const ids: string[] = [];

    for (const [index, line] of request.lines.entries()) {
      if (line.kind !== 'item') {
        const name =
          line.kind === 'shipping' ? (overrides?.shippingItem ?? line.itemName) : line.itemName;

        ids.push(
          await this.items.resolveSystemItem(
            session,
            name,
            line.description,
            settings.itemMatching,
          ),
        );
        continue;
      }

      if ('noRestockItemName' in line && line.noRestockItemName) {
        ids.push(
          await this.items.resolveSystemItem(
            session,
            line.noRestockItemName,
            'Refunded goods that did not go back to stock',
            settings.itemMatching,
          ),
        );
        continue;
      }

      const lineOverride = overrides?.lines.find((entry) => entry.lineId === line.lineId);
      const resolved = await this.items.resolveLine(
        session,
        {
          sku: line.sku,
          title: line.name,
          overrideItemName: lineOverride?.itemName,
          lineNumber: index + 1,
          txnDate: request.txnDate,
        },
        settings.itemMatching,
      );

      if (resolved.warning) {
        warnings.push(resolved.warning);
      }

      ids.push(resolved.id);
    }

    return ids;
  }

  private async resolveLineClasses(
    session: QboSession,
    request: ReferenceRequest,
  ): Promise<Array<string | undefined>> {
    const ids: Array<string | undefined> = [];

    for (const line of request.lines) {
      const className =
        line.kind === 'item'
          ? request.overrides?.lines.find((entry) => entry.lineId === line.lineId)?.className
          : undefined;

      ids.push(
        className ? await this.company.findListEntryId(session, 'class', className) : undefined,
      );
    }

    return ids;
  }

  private async resolveHeaderLists(
    session: QboSession,
    request: ReferenceRequest,
    references: DocumentReferences,
  ): Promise<void> {
    const className = request.overrides?.className ?? request.settings.className;
    const location = request.overrides?.location ?? request.settings.location;

    if (className) {
      references.classId = await this.company.findListEntryId(session, 'class', className);
    }

    if (location) {
      references.departmentId = await this.company.findListEntryId(session, 'department', location);
    }
  }

  /**
   * US companies: lines coded TAX or NON, and the jurisdiction table (or a rule) picks the
   * transaction's tax code, except under automated sales tax where QuickBooks assigns it from the
   * ship-to. VAT/GST companies: every line needs a code, and a line without one fails here.
   */
  private async resolveTax(
    session: QboSession,
    request: ReferenceRequest,
    references: DocumentReferences,
    automatedSalesTax: boolean,
    warnings: string[],
  ): Promise<void> {
    const { settings, overrides, order } = request;
    const address = order.shippingAddress ?? order.billingAddress;
    const jurisdictionCode =
      overrides?.taxCode ?? pickJurisdictionTaxCode(settings.tax.jurisdictions, address);

    if (references.taxPosting === 'line_item') {
      references.taxItemId = await this.items.resolveSystemItem(
        session,
        settings.tax.taxItem,
        'Sales tax collected by the channel',
        settings.itemMatching,
      );

      return;
    }

    if (references.taxPosting === 'override') {
      if (jurisdictionCode && !automatedSalesTax) {
        references.txnTaxCodeId = await this.company.findListEntryId(
          session,
          'tax_code',
          jurisdictionCode,
        );
      } else if (
        !automatedSalesTax &&
        settings.tax.jurisdictions.length > 0 &&
        order.totals.tax > 0
      ) {
        warnings.push(
          'no row of the tax jurisdiction table matches the ship-to address, so the document has no tax code',
        );
      }

      return;
    }

    references.lineTaxCodeIds = await this.resolveVatCodes(session, request, jurisdictionCode);
    const discountCode =
      overrides?.discountTaxCode ?? jurisdictionCode ?? settings.tax.zeroRatedCode;

    if (discountCode) {
      references.discountTaxCodeId = await this.company.findListEntryId(
        session,
        'tax_code',
        discountCode,
      );
    }
  }

  private async resolveVatCodes(
    session: QboSession,
    request: ReferenceRequest,
    jurisdictionCode: string | undefined,
  ): Promise<string[]> {
    const names = chooseVatCodeNames(
      request.lines,
      request.overrides,
      request.settings,
      jurisdictionCode,
      request.currency,
    );
    const ids: string[] = [];

    for (const name of names) {
      ids.push(await this.company.findListEntryId(session, 'tax_code', name));
    }

    return ids;
  }
}
