import { type QboApiClient } from '../api/qbo-api.client';
import { type QboConnection } from '../connection/qbo-connection.repository';
import {
  type AccountEntry,
  type CompanyListsSnapshot,
  type CompanyPreferences,
  type ListEntry,
  type TaxCodeEntry,
  type TaxRateEntry,
} from './company-lists.types';

/** Maximum rows QuickBooks returns for one query (`MAXRESULTS` is at most 1000). */
const PAGE_SIZE = 1000;

/** The entities read on each refresh, in the order of the batch items. */
const LIST_ENTITIES = [
  'Account',
  'TaxCode',
  'TaxRate',
  'Class',
  'Department',
  'PaymentMethod',
  'Term',
  'CompanyCurrency',
  'Preferences',
  'CompanyInfo',
] as const;

type ListEntity = (typeof LIST_ENTITIES)[number];
type Row = Record<string, unknown>;

interface BatchQueryItem {
  bId?: string;
  QueryResponse?: Record<string, unknown>;
  Fault?: { Error?: Array<{ Message?: string; code?: string }> };
}

/**
 * Reads a company's lists in one batch call of ten queries, which costs one of the 500 calls and
 * one of the 40 batch calls a minute. A list of 1,000 entries or more costs one query per further
 * page.
 */
export async function readCompanyLists(
  client: QboApiClient,
  connection: QboConnection,
): Promise<CompanyListsSnapshot> {
  const rows = await readAllRows(client, connection);
  const preferences = readPreferences(rows.Preferences[0] ?? {}, rows.CompanyInfo[0] ?? {});
  const otherCurrencies = rows.CompanyCurrency.filter((row) => row.Active !== false)
    .map((row) => String(row.Code ?? ''))
    .filter((code) => code !== '' && code !== preferences.homeCurrency);

  return {
    accountId: connection.accountId,
    realmId: connection.realmId,
    refreshedAt: new Date(),
    preferences,
    accounts: rows.Account.map(toAccount),
    taxCodes: rows.TaxCode.map(toTaxCode),
    taxRates: rows.TaxRate.map(toTaxRate),
    classes: rows.Class.map(toEntry),
    locations: rows.Department.map(toEntry),
    paymentMethods: rows.PaymentMethod.map(toEntry),
    terms: rows.Term.map(toEntry),
    currencies: [preferences.homeCurrency, ...otherCurrencies],
  };
}

async function readAllRows(
  client: QboApiClient,
  connection: QboConnection,
): Promise<Record<ListEntity, Row[]>> {
  const response = await client.request<{ BatchItemResponse?: BatchQueryItem[] }>({
    realmId: connection.realmId,
    accessToken: connection.accessToken,
    method: 'POST',
    path: 'batch',
    body: {
      BatchItemRequest: LIST_ENTITIES.map((entity) => ({
        bId: entity,
        Query: pageQuery(entity, 1),
      })),
    },
  });
  const items = new Map((response.BatchItemResponse ?? []).map((item) => [item.bId, item]));
  const rows = {} as Record<ListEntity, Row[]>;

  for (const entity of LIST_ENTITIES) {
    const item = items.get(entity);

    if (!item || item.Fault) {
      const error = item?.Fault?.Error?.[0];

      throw new Error(
        `QuickBooks did not return the ${entity} list: ${error ? `${error.code} ${error.Message}` : 'no batch item'}`,
      );
    }

    rows[entity] = (item.QueryResponse?.[entity] as Row[] | undefined) ?? [];
    if (rows[entity].length >= PAGE_SIZE) {
      rows[entity].push(...(await readRemainingPages(client, connection, entity)));
    }
  }

  return rows;
}

async function readRemainingPages(
  client: QboApiClient,
  connection: QboConnection,
  entity: ListEntity,
): Promise<Row[]> {
  const rows: Row[] = [];

  for (let start = PAGE_SIZE + 1; ; start += PAGE_SIZE) {
    const page = await client.query<Row>(
      connection.realmId,
      connection.accessToken,
      entity,
      pageQuery(entity, start),
    );

    rows.push(...page);
    if (page.length < PAGE_SIZE) {
      return rows;
    }
  }
}

function pageQuery(entity: ListEntity, startPosition: number): string {
  // Inactive entries are read too: a rule naming an inactive class must be reported as inactive.
  const where =
    entity === 'Preferences' || entity === 'CompanyInfo' ? '' : ' where Active in (true, false)';

  return `select * from ${entity}${where} startposition ${startPosition} maxresults ${PAGE_SIZE}`;
}

function toEntry(row: Row): ListEntry {
  return {
    id: String(row.Id),
    name: String(row.FullyQualifiedName ?? row.Name ?? row.Id),
    active: row.Active !== false,
  };
}

function toAccount(row: Row): AccountEntry {
  const currency = (row.CurrencyRef as { value?: string } | undefined)?.value;

  return {
    ...toEntry(row),
    accountType: String(row.AccountType ?? ''),
    ...(row.AccountSubType ? { accountSubType: String(row.AccountSubType) } : {}),
    ...(currency ? { currency } : {}),
  };
}

function toTaxCode(row: Row): TaxCodeEntry {
  return { ...toEntry(row), taxable: row.Taxable === true, taxGroup: row.TaxGroup === true };
}

function toTaxRate(row: Row): TaxRateEntry {
  return { ...toEntry(row), rateValue: Number(row.RateValue ?? 0) };
}

function readPreferences(row: Row, companyInfo: Row): CompanyPreferences {
  const section = (name: string) => (row[name] ?? {}) as Record<string, unknown>;
  const accounting = section('AccountingInfoPrefs');
  const sales = section('SalesFormsPrefs');
  const currency = section('CurrencyPrefs');
  const tax = section('TaxPrefs');

  return {
    homeCurrency: (currency.HomeCurrency as { value?: string } | undefined)?.value ?? 'USD',
    multiCurrencyEnabled: currency.MultiCurrencyEnabled === true,
    trackDepartments: accounting.TrackDepartments === true,
    locationTerminology: String(accounting.DepartmentTerminology ?? 'Location'),
    classTrackingPerTxn: accounting.ClassTrackingPerTxn === true,
    classTrackingPerTxnLine: accounting.ClassTrackingPerTxnLine === true,
    customTxnNumbers: sales.CustomTxnNumbers === true,
    usingSalesTax: tax.UsingSalesTax === true,
    allowShipping: sales.AllowShipping === true,
    allowDiscount: sales.AllowDiscount === true,
    automatedSalesTax: tax.PartnerTaxEnabled === true,
    country: normaliseCountry(companyInfo.Country),
  };
}

/** Returns the ISO country code of CompanyInfo.Country, which QuickBooks may spell out for the US. */
export function normaliseCountry(country: unknown): string {
  const value = (typeof country === 'string' ? country : 'US').trim().toUpperCase();

  return value === 'USA' || value === 'UNITED STATES' ? 'US' : value;
}
