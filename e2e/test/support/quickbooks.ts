import { QBO_CLIENT_ID, QBO_CLIENT_SECRET, type Stack } from './stack';

const AUDIT_REDIRECT_URI = 'http://127.0.0.1/audit-callback';
const QUERY_PAGE_SIZE = 1000;

/**
 * An API client of the sandbox QuickBooks Online company with its own OAuth token, so tests check
 * what QuickBooks stored rather than the product's own records.
 */
export interface AuditSession {
  sandboxUrl: string;
  realmId: string;
  accessToken: string;
}

export interface QboLine {
  Id?: string;
  LineNum?: number;
  Amount: number;
  DetailType: string;
  Description?: string;
  SalesItemLineDetail?: {
    ItemRef: { value: string; name?: string };
    Qty?: number;
    UnitPrice?: number;
    TaxCodeRef?: { value: string };
  };
  DiscountLineDetail?: { PercentBased?: boolean; DiscountPercent?: number };
}

export interface QboSalesReceipt {
  Id: string;
  DocNumber?: string;
  PrivateNote?: string;
  TotalAmt: number;
  Line: QboLine[];
  TxnTaxDetail?: { TotalTax?: number };
}

export interface FaultRule {
  match?: { method?: string; entity?: string };
  status: number;
  code?: string;
  message?: string;
  detail?: string;
  count?: number;
  afterCommit?: boolean;
}

/** Connects to the realm through the sandbox's authorization code flow. */
export async function openAuditSession(stack: Stack, realmId: string): Promise<AuditSession> {
  const authorize = new URL('/oauth2/authorize', stack.sandboxUrl);

  authorize.search = new URLSearchParams({
    client_id: QBO_CLIENT_ID,
    redirect_uri: AUDIT_REDIRECT_URI,
    response_type: 'code',
    scope: 'com.intuit.quickbooks.accounting',
    state: 'audit',
    realmId,
  }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? 'http://invalid/').searchParams.get(
    'code',
  );

  if (!code) {
    throw new Error(`Sandbox authorize returned ${consent.status} without a code`);
  }

  const credentials = Buffer.from(`${QBO_CLIENT_ID}:${QBO_CLIENT_SECRET}`).toString('base64');
  const response = await fetch(new URL('/oauth2/v1/tokens/bearer', stack.sandboxUrl), {
    method: 'POST',
    headers: {
      Authorization: `Basic ${credentials}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: AUDIT_REDIRECT_URI,
    }).toString(),
  });

  if (!response.ok) {
    throw new Error(`Sandbox token request returned ${response.status}: ${await response.text()}`);
  }

  const tokens = (await response.json()) as { access_token: string };

  return { sandboxUrl: stack.sandboxUrl, realmId, accessToken: tokens.access_token };
}

/** Runs a QuickBooks query and returns the rows of `entity`. */
export async function query<T>(
  session: AuditSession,
  entity: string,
  statement: string,
): Promise<T[]> {
  const url = new URL(`/v3/company/${session.realmId}/query`, session.sandboxUrl);

  url.searchParams.set('query', statement);
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${session.accessToken}`, Accept: 'application/json' },
  });

  if (!response.ok) {
    throw new Error(
      `Sandbox query "${statement}" returned ${response.status}: ${await response.text()}`,
    );
  }

  const body = (await response.json()) as { QueryResponse?: Record<string, T[] | undefined> };

  return body.QueryResponse?.[entity] ?? [];
}

/** Returns every sales receipt in the company, paging through the query endpoint. */
export async function listSalesReceipts(session: AuditSession): Promise<QboSalesReceipt[]> {
  const receipts: QboSalesReceipt[] = [];

  for (let start = 1; ; start += QUERY_PAGE_SIZE) {
    const page = await query<QboSalesReceipt>(
      session,
      'SalesReceipt',
      `select * from SalesReceipt STARTPOSITION ${start} MAXRESULTS ${QUERY_PAGE_SIZE}`,
    );

    receipts.push(...page);
    if (page.length < QUERY_PAGE_SIZE) {
      return receipts;
    }
  }
}

/** Returns the sales receipts whose private note names the Shopify order. */
export async function salesReceiptsForOrder(
  session: AuditSession,
  orderId: string | number,
): Promise<QboSalesReceipt[]> {
  const marker = `shopify order ${orderId} (`;

  return (await listSalesReceipts(session)).filter((receipt) =>
    receipt.PrivateNote?.includes(marker),
  );
}

/** Creates a non-inventory item on the company's product income account, as a user would. */
export async function createItem(session: AuditSession, name: string): Promise<string> {
  const [income] = await query<{ Id: string }>(
    session,
    'Account',
    "select * from Account where Name = 'Sales of Product Income'",
  );

  if (!income) {
    throw new Error(
      `The sandbox company ${session.realmId} has no Sales of Product Income account`,
    );
  }

  const response = await fetch(new URL(`/v3/company/${session.realmId}/item`, session.sandboxUrl), {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${session.accessToken}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      Name: name,
      Type: 'NonInventory',
      IncomeAccountRef: { value: income.Id },
    }),
  });

  if (!response.ok) {
    throw new Error(`Creating item ${name} returned ${response.status}: ${await response.text()}`);
  }

  return ((await response.json()) as { Item: { Id: string } }).Item.Id;
}

async function sandboxControl<T>(
  stack: Stack,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${stack.sandboxUrl}/__sandbox${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  if (!response.ok) {
    throw new Error(
      `Sandbox ${method} ${path} returned ${response.status}: ${await response.text()}`,
    );
  }

  return (await response.json()) as T;
}

/** Queues a fault for the next matching QuickBooks API calls of the realm. */
export async function injectFault(stack: Stack, realmId: string, rule: FaultRule): Promise<void> {
  await sandboxControl(stack, 'POST', '/faults', { realmId, count: 1, ...rule });
}

/** Returns the faults still queued for the realm. */
export async function queuedFaults(stack: Stack, realmId: string): Promise<unknown[]> {
  const faults = await sandboxControl<Array<{ realmId: string }>>(stack, 'GET', '/faults');

  return faults.filter((fault) => fault.realmId === realmId);
}

export async function realmStats(
  stack: Stack,
  realmId: string,
): Promise<{ injectedFaults: number; replayedResponses: number }> {
  return sandboxControl(stack, 'GET', `/realms/${realmId}/stats`);
}

export async function updateCompanySettings(
  stack: Stack,
  realmId: string,
  settings: { multiCurrencyEnabled?: boolean; warnDuplicateDocNumber?: boolean },
): Promise<void> {
  await sandboxControl(stack, 'PATCH', `/realms/${realmId}/settings`, settings);
}
