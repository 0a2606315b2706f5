import { Injectable } from '@nestjs/common';
import { type PlanCustomer } from '@qbsync/accounting';
import { type Address } from '@qbsync/contracts';

import { quoteQueryValue } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { stableRequestId } from '../api/request-id';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { EntityReferenceRepository } from './entity-reference.repository';
import { type QboCustomer } from './qbo-entities';
import { MAX_DISPLAY_NAME_LENGTH, toQboName } from './qbo-names';
import { type QboSession } from './qbo-session';

/** QuickBooks' fault for a name already used by a customer, vendor or employee. */
const DUPLICATE_NAME_FAULT = '6240';

/**
 * Finds the QuickBooks customer for an order by display name, creating it when it does not exist.
 * In a multicurrency company a customer has one currency, so a foreign-currency order matches a
 * customer whose name carries the currency code.
 */
@Injectable()
export class CustomerMatcherService {
  constructor(private readonly references: EntityReferenceRepository) {}

  async resolve(
    session: QboSession,
    customer: PlanCustomer,
    currency: string,
    homeCurrency: string,
  ): Promise<string> {
    const displayName = customerDisplayName(customer.displayName, currency, homeCurrency);
    const known = await this.references.find(session.realmId, 'customer', displayName);

    if (known) {
      return known;
    }

    const id =
      (await this.findByName(session, displayName)) ??
      (await this.create(session, customer, displayName, currency, homeCurrency));

    await this.references.save(session.realmId, 'customer', displayName, id);

    return id;
  }

  private async findByName(session: QboSession, displayName: string): Promise<string | undefined> {
    const [found] = await session.query<QboCustomer>(
      'Customer',
      `select * from Customer where DisplayName = ${quoteQueryValue(displayName)}`,
    );

    return found?.Id;
  }

  private async create(
    session: QboSession,
    customer: PlanCustomer,
    displayName: string,
    currency: string,
    homeCurrency: string,
  ): Promise<string> {
    const body = {
      DisplayName: displayName,
      GivenName: customer.givenName?.slice(0, 100),
      FamilyName: customer.familyName?.slice(0, 100),
      CompanyName: customer.companyName?.slice(0, 100),
      PrimaryEmailAddr: customer.email ? { Address: customer.email.slice(0, 100) } : undefined,
      PrimaryPhone: customer.phone ? { FreeFormNumber: customer.phone.slice(0, 30) } : undefined,
      BillAddr: toQboAddress(customer.billingAddress),
      ShipAddr: toQboAddress(customer.shippingAddress),
      CurrencyRef: currency === homeCurrency ? undefined : { value: currency },
    };

    try {
      const created = await session.create<{ Customer: QboCustomer }>(
        'customer',
        body,
        stableRequestId('customer', session.realmId, displayName),
      );

      return created.Customer.Id;
    } catch (error) {
      if (error instanceof QboFaultError && error.code === DUPLICATE_NAME_FAULT) {
        return this.recoverDuplicateName(session, displayName);
      }

      throw error;
    }
  }

  /**
   * A 6240 means another order created the customer in the meantime, or a vendor or employee
   * has the name (QuickBooks keeps one name list for all three).
   */
  private async recoverDuplicateName(session: QboSession, displayName: string): Promise<string> {
    const id = await this.findByName(session, displayName);

    if (id) {
      return id;
    }

    throw new PostingError(
      `The customer name "${displayName}" is already used by a vendor or employee in QuickBooks`,
      `Rename the vendor or employee "${displayName}" in QuickBooks (or add a rule that sets another customer name), then save the order again in the channel to re-sync it`,
      PostingErrorCode.CustomerNameTaken,
    );
  }
}

export function customerDisplayName(name: string, currency: string, homeCurrency: string): string {
  const suffix = currency === homeCurrency ? '' : ` - ${currency}`;

  return toQboName(name, MAX_DISPLAY_NAME_LENGTH - suffix.length) + suffix;
}

function toQboAddress(
  address: Address | undefined,
): Record<string, string | undefined> | undefined {
  if (!address) {
    return undefined;
  }

  return {
    Line1: address.line1,
    Line2: address.line2 || undefined,
    City: address.city,
    CountrySubDivisionCode: address.regionCode ?? address.region,
    PostalCode: address.postalCode,
    Country: address.countryCode ?? address.country,
  };
}
