import { Injectable } from '@nestjs/common';
import { type PlanCustomer } from '@qbsync/accounting';
import { type Address, type Order, type QboPostingSettings } from '@qbsync/contracts';

import { quoteQueryValue } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { stableRequestId } from '../api/request-id';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { buildCustomerName } from './customer-name';
import { EntityReferenceRepository } from './entity-reference.repository';
import { type QboCustomer } from './qbo-entities';
import { MAX_DISPLAY_NAME_LENGTH, toQboName } from './qbo-names';
import { type QboSession } from './qbo-session';

/** QuickBooks' fault for a name already used by a customer, vendor or employee. */
const DUPLICATE_NAME_FAULT = '6240';

export type CustomerMatchingSettings = QboPostingSettings['customerMatching'];

export interface CustomerRequest {
  order: Order;
  /** Names, email, phone and addresses a new customer gets. */
  customer: PlanCustomer;
  currency: string;
  homeCurrency: string;
  settings: CustomerMatchingSettings;
  /** A customer name a rule chose; it replaces the name the matching mode builds. */
  overrideName?: string;
}

/**
 * Finds the QuickBooks customer for an order by the name its matching mode builds (DisplayName,
 * trimmed and case-insensitive) or by email, and applies the missing-customer action. In a
 * multicurrency company a customer has one currency, so a foreign-currency order matches
 * `<name> <ISO code>`.
 */
@Injectable()
export class CustomerMatcherService {
  constructor(private readonly references: EntityReferenceRepository) {}

  async resolve(session: QboSession, request: CustomerRequest): Promise<string> {
    const { settings } = request;

    if (!request.overrideName && settings.mode === 'email_field') {
      const byEmail = await this.findByEmail(session, request.order);

      if (byEmail) {
        return byEmail;
      }
    }

    const baseName =
      request.overrideName ??
      buildCustomerName(request.order, settings.mode, settings.singleCustomerName).displayName ??
      request.customer.displayName;
    const displayName = this.nameForCurrency(baseName, request);
    const known = await this.lookUp(session, displayName);

    if (known) {
      return known;
    }

    if (settings.missingCustomerAction === 'fail' && !request.overrideName) {
      throw new PostingError(
        `No QuickBooks customer is named "${displayName}"`,
        `Create the customer "${displayName}" in QuickBooks Online, add a rule that maps the order to an existing customer, or set the missing-customer action to create, then re-sync the order`,
        PostingErrorCode.CustomerNotFound,
      );
    }

    if (settings.missingCustomerAction === 'map_to_single' && !request.overrideName) {
      const single = this.nameForCurrency(settings.singleCustomerName, request);

      return (
        (await this.lookUp(session, single)) ??
        (await this.createAndRemember(session, request, single, { displayName: single }))
      );
    }

    const id = await this.createAndRemember(session, request, displayName, request.customer);

    if (settings.mode === 'email_field' && !request.overrideName) {
      // Remember the new customer by email too, so the next order with this email matches it
      // without another query.
      for (const email of buildCustomerName(request.order, 'email_field', '').emails) {
        await this.references.save(session.realmId, 'customer', `email:${email}`, id);
      }
    }

    return id;
  }

  private nameForCurrency(name: string, request: CustomerRequest): string {
    const foreign = request.currency !== request.homeCurrency;

    return customerDisplayName(
      name,
      request.currency,
      foreign && request.settings.currencyCustomers ? request.homeCurrency : request.currency,
    );
  }

  private async lookUp(session: QboSession, displayName: string): Promise<string | undefined> {
    const known = await this.references.find(session.realmId, 'customer', displayName);

    if (known) {
      return known;
    }

    const found = await this.findByName(session, displayName);

    if (found) {
      await this.references.save(session.realmId, 'customer', displayName, found);
    }

    return found;
  }

  private async findByEmail(session: QboSession, order: Order): Promise<string | undefined> {
    const { emails } = buildCustomerName(order, 'email_field', '');

    for (const email of emails) {
      const cacheName = `email:${email}`;
      const known = await this.references.find(session.realmId, 'customer', cacheName);

      if (known) {
        return known;
      }

      const [found] = await session.query<QboCustomer>(
        'Customer',
        `select * from Customer where PrimaryEmailAddr = ${quoteQueryValue(email)}`,
      );

      if (found) {
        await this.references.save(session.realmId, 'customer', cacheName, found.Id);

        return found.Id;
      }
    }

    return undefined;
  }

  private async findByName(session: QboSession, displayName: string): Promise<string | undefined> {
    const [found] = await session.query<QboCustomer>(
      'Customer',
      `select * from Customer where DisplayName = ${quoteQueryValue(displayName)}`,
    );

    return found?.Id;
  }

  /**
   * Creates the customer and remembers it under `displayName`, so the next order with the same
   * name spends no call even when a name clash gave the customer a suffixed name.
   */
  private async createAndRemember(
    session: QboSession,
    request: CustomerRequest,
    displayName: string,
    customer: PlanCustomer,
  ): Promise<string> {
    const id = await this.create(session, request, displayName, customer);

    await this.references.save(session.realmId, 'customer', displayName, id);

    return id;
  }

  private async create(
    session: QboSession,
    request: CustomerRequest,
    displayName: string,
    customer: PlanCustomer,
  ): Promise<string> {
    try {
      return await this.post(session, request, displayName, customer);
    } catch (error) {
      if (!(error instanceof QboFaultError) || error.code !== DUPLICATE_NAME_FAULT) {
        throw error;
      }
    }

    // A 6240 means another order created the customer in the meantime, or a vendor or employee
    // has the name: QuickBooks keeps one name list for all three.
    const raced = await this.findByName(session, displayName);

    if (raced) {
      return raced;
    }

    const suffix = request.settings.nameClashSuffix;

    if (!suffix) {
      throw new PostingError(
        `The customer name "${displayName}" is already used by a vendor or employee in QuickBooks`,
        `Rename the vendor or employee "${displayName}" in QuickBooks, add a rule that sets another customer name, or set a name-clash suffix such as " (C)" in the QuickBooks Online settings, then re-sync the order`,
        PostingErrorCode.CustomerNameTaken,
      );
    }

    const suffixed = toQboName(displayName, MAX_DISPLAY_NAME_LENGTH - suffix.length) + suffix;

    return (
      (await this.findByName(session, suffixed)) ?? this.post(session, request, suffixed, customer)
    );
  }

  private async post(
    session: QboSession,
    request: CustomerRequest,
    displayName: string,
    customer: PlanCustomer,
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
      CurrencyRef:
        request.currency === request.homeCurrency ? undefined : { value: request.currency },
    };
    const created = await session.create<{ Customer: QboCustomer }>(
      'customer',
      body,
      stableRequestId('customer', session.realmId, displayName),
    );

    return created.Customer.Id;
  }
}

/**
 * Returns the DisplayName for `name` in `currency`: the name cleaned and cut to QuickBooks' 500
 * characters, with ` <ISO code>` appended for a currency other than `homeCurrency`. The cut keeps
 * the suffix and depends only on the input, so the next order finds the same customer.
 */
export function customerDisplayName(name: string, currency: string, homeCurrency: string): string {
  const suffix = currency === homeCurrency ? '' : ` ${currency}`;

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
