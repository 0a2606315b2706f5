import { Injectable } from '@nestjs/common';
import { type PlanLine, type PostingPlan } from '@qbsync/accounting';
import { decimalToMinor, type OrderReady } from '@qbsync/contracts';

import { quoteQueryValue } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { stableRequestId } from '../api/request-id';
import { CompanySettingsService } from '../matching/company-settings.service';
import { CustomerMatcherService } from '../matching/customer-matcher.service';
import { EntityReferenceRepository } from '../matching/entity-reference.repository';
import { ItemMatcherService } from '../matching/item-matcher.service';
import { type QboSalesReceipt } from '../matching/qbo-entities';
import { type QboSession } from '../matching/qbo-session';
import { buildSalesReceiptBody, type ResolvedReferences } from './sales-receipt.builder';

const GIFT_CARD_ITEM_NAME = 'Gift Card Redemption';
/** QuickBooks' fault for a reference to an entity that does not exist. */
const INVALID_REFERENCE_FAULT = '2500';

export interface PostedDocument {
  id: string;
  docNumber?: string;
  /** TotalAmt as QuickBooks computed it, in minor units. */
  total: number;
  /** Things the user should know although the order posted (a line without a SKU, say). */
  warnings: string[];
}

/** Resolves a plan's customer and items in QuickBooks Online and creates the sales receipt. */
@Injectable()
export class SalesReceiptPoster {
  constructor(
    private readonly company: CompanySettingsService,
    private readonly customers: CustomerMatcherService,
    private readonly items: ItemMatcherService,
    private readonly references: EntityReferenceRepository,
  ) {}

  /**
   * `mayHaveLanded`: an earlier attempt may have created the receipt, so look for it before
   * posting.
   */
  async post(
    session: QboSession,
    ready: OrderReady,
    plan: PostingPlan,
    requestId: string,
    mayHaveLanded: boolean,
  ): Promise<PostedDocument> {
    if (mayHaveLanded) {
      const landed = await this.findLanded(session, ready, plan);

      if (landed) {
        return toPosted(landed, plan.currency, []);
      }
    }

    try {
      return await this.resolveAndCreate(session, plan, requestId);
    } catch (error) {
      if (!(error instanceof QboFaultError) || error.isTransient) {
        throw error;
      }

      if (error.code === INVALID_REFERENCE_FAULT) {
        // A remembered customer, item or account was deleted in QuickBooks. Look everything up
        // again; the refused request created nothing, and QuickBooks would replay its fault for
        // the same requestid, so the second attempt carries a new one derived from the first.
        await this.references.forgetRealm(session.realmId);

        return this.resolveAndCreate(
          session,
          plan,
          stableRequestId(requestId, 'after-invalid-reference'),
        );
      }

      throw error;
    }
  }

  private async resolveAndCreate(
    session: QboSession,
    plan: PostingPlan,
    requestId: string,
  ): Promise<PostedDocument> {
    const warnings: string[] = [];
    const references = await this.resolveReferences(session, plan, warnings);
    const body = buildSalesReceiptBody(plan, references);
    const created = await session.create<{ SalesReceipt: QboSalesReceipt }>(
      'salesreceipt',
      body,
      requestId,
    );

    return toPosted(created.SalesReceipt, plan.currency, warnings);
  }

  private async resolveReferences(
    session: QboSession,
    plan: PostingPlan,
    warnings: string[],
  ): Promise<ResolvedReferences> {
    const settings = await this.company.get(session);
    const foreign = plan.currency !== settings.homeCurrency;
    const customerId = await this.customers.resolve(
      session,
      plan.customer,
      plan.currency,
      foreign ? settings.homeCurrency : plan.currency,
    );
    const lineItemIds: string[] = [];

    for (const [index, line] of plan.lines.entries()) {
      lineItemIds.push(await this.resolveLineItem(session, line, index + 1, warnings));
    }

    const giftCardItemId =
      plan.giftCardTotal > 0
        ? await this.items.resolveSystemItem(session, GIFT_CARD_ITEM_NAME, 'Gift card redemptions')
        : undefined;

    return {
      customerId,
      lineItemIds,
      giftCardItemId,
      currency: foreign ? plan.currency : undefined,
    };
  }

  private async resolveLineItem(
    session: QboSession,
    line: PlanLine,
    lineNumber: number,
    warnings: string[],
  ): Promise<string> {
    if (line.kind !== 'item') {
      return this.items.resolveSystemItem(session, line.itemName, line.description);
    }

    const resolved = await this.items.resolveLine(session, line, lineNumber);

    if (resolved.warning) {
      warnings.push(resolved.warning);
    }

    return resolved.id;
  }

  /** Looks for a sales receipt an earlier attempt created: same DocNumber, note naming the order. */
  private async findLanded(
    session: QboSession,
    ready: OrderReady,
    plan: PostingPlan,
  ): Promise<QboSalesReceipt | undefined> {
    const candidates = await session.query<QboSalesReceipt>(
      'SalesReceipt',
      `select * from SalesReceipt where DocNumber = ${quoteQueryValue(plan.docNumber)}`,
    );
    const marker = `${ready.order.channel} order ${ready.order.channelOrderId}`;

    return candidates.find((receipt) => receipt.PrivateNote?.includes(marker));
  }
}

function toPosted(receipt: QboSalesReceipt, currency: string, warnings: string[]): PostedDocument {
  return {
    id: receipt.Id,
    docNumber: receipt.DocNumber,
    total: decimalToMinor(String(receipt.TotalAmt), currency),
    warnings,
  };
}
