import { type JsonObject } from '../company/company';
import { duplicateNameFault, noNameProvidedFault } from '../faults/qbo-fault';
import { optionalBoolean, optionalString, resolveCurrency, sameName } from './field-checks';
import { type EntityBuilder, type WriteContext } from './write-context';

/** Name parts QBO joins into DisplayName when the request has none, in this order. */
const NAME_PARTS = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix'] as const;

/**
 * Maximum lengths of Customer name fields. NOTE: DisplayName's 500 is Intuit's documented limit.
 * The others are remembered from Intuit's Customer reference and not checked against a copy.
 */
const MAX_LENGTHS: Record<string, number> = {
  DisplayName: 500,
  Title: 16,
  GivenName: 100,
  MiddleName: 100,
  FamilyName: 100,
  Suffix: 16,
  CompanyName: 100,
};

export const customerBuilder: EntityBuilder = {
  entity: 'Customer',

  build(input: JsonObject, context: WriteContext): JsonObject {
    for (const [element, maxLength] of Object.entries(MAX_LENGTHS)) {
      optionalString(input, element, maxLength);
    }

    const displayName = resolveDisplayName(input);

    assertUniqueDisplayName(displayName, context);
    const active = optionalBoolean(input, 'Active') ?? true;

    optionalBoolean(input, 'Taxable');

    return {
      ...input,
      DisplayName: displayName,
      FullyQualifiedName: displayName,
      PrintOnCheckName: input.PrintOnCheckName ?? input.CompanyName ?? displayName,
      Active: active,
      Job: false,
      BillWithParent: false,
      IsProject: false,
      Balance: context.existing?.Balance ?? 0,
      BalanceWithJobs: context.existing?.BalanceWithJobs ?? 0,
      CurrencyRef: resolveCurrency(input, context.company),
      PreferredDeliveryMethod: input.PreferredDeliveryMethod ?? 'Print',
    };
  },
};

/** Returns DisplayName, or the name parts joined by spaces. Raises 6080 if all are empty. */
function resolveDisplayName(input: JsonObject): string {
  const requested = optionalString(input, 'DisplayName')?.trim();

  if (requested) {
    return requested;
  }

  const parts = NAME_PARTS.map((part) => optionalString(input, part)?.trim()).filter(Boolean);

  if (parts.length === 0) {
    throw noNameProvidedFault();
  }

  return parts.join(' ');
}

/**
 * QBO keeps DisplayName unique across customers, vendors and employees. The sandbox stores only
 * customers, so only they are compared.
 */
function assertUniqueDisplayName(displayName: string, context: WriteContext): void {
  const existingId = context.existing?.Id;
  const clash = context.company.find(
    'Customer',
    (customer) => customer.Id !== existingId && sameName(customer.DisplayName, displayName),
  );

  if (clash) {
    throw duplicateNameFault('customer, vendor or employee', 'DisplayName');
  }
}
