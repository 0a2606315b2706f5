import QuickBooks from 'node-quickbooks';

import {
  authorize,
  REDIRECT_URI,
  type RunningSandbox,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  startSandbox,
} from '../../test/sandbox';

/**
 * Drives the sandbox with the public `node-quickbooks` client (2.0.x, OAuth 2.0 mode), which was
 * written against Intuit's real API: if the sandbox's paths, envelopes or faults drifted from
 * QuickBooks Online, this client would misread them.
 */
describe('sandbox through node-quickbooks', () => {
  let sandbox: RunningSandbox;
  let qbo: QuickBooks;
  let realmId: string;

  /** Wraps one callback-style client call in a promise, which rejects on an error. */
  function call<T>(run: (callback: (error: unknown, data?: unknown) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      run((error, data) => (error ? reject(error) : resolve(data as T)));
    });
  }

  beforeAll(async () => {
    sandbox = await startSandbox();
    QuickBooks.V3_ENDPOINT_BASE_URL = `${sandbox.url}/v3/company/`;
    QuickBooks.TOKEN_URL = sandbox.tokenUrl;
    QuickBooks.REVOKE_URL = `${sandbox.url}/oauth2/v1/tokens/revoke`;

    const authorization = await authorize(sandbox, '4620816365000000777');
    const tokens = (await (
      await fetch(sandbox.tokenUrl, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_CLIENT_SECRET}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: authorization.code,
          redirect_uri: REDIRECT_URI,
        }),
      })
    ).json()) as { access_token: string; refresh_token: string };

    realmId = authorization.realmId;
    qbo = new QuickBooks(
      SANDBOX_CLIENT_ID,
      SANDBOX_CLIENT_SECRET,
      tokens.access_token,
      false,
      realmId,
      true,
      false,
      '75',
      '2.0',
      tokens.refresh_token,
    );
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('creates and finds a customer', async () => {
    const created = await call<{ Id: string; DisplayName: string }>((done) =>
      qbo.createCustomer({ DisplayName: 'Node Client Customer' }, done),
    );
    const found = await call<{ QueryResponse: { Customer: Array<{ Id: string }> } }>((done) =>
      qbo.findCustomers(
        [{ field: 'DisplayName', value: 'Node Client Customer', operator: '=' }],
        done,
      ),
    );

    expect(created.DisplayName).toBe('Node Client Customer');
    expect(found.QueryResponse.Customer.map((customer) => customer.Id)).toEqual([created.Id]);
  });

  it('creates and reads a sales receipt', async () => {
    const customer = await call<{ Id: string }>((done) =>
      qbo.createCustomer({ DisplayName: 'Receipt Customer' }, done),
    );
    const accounts = await call<{ QueryResponse: { Account: Array<{ Id: string }> } }>((done) =>
      qbo.findAccounts([{ field: 'Name', value: 'Sales of Product Income', operator: '=' }], done),
    );
    const item = await call<{ Id: string }>((done) =>
      qbo.createItem(
        {
          Name: 'Node Widget',
          Type: 'NonInventory',
          IncomeAccountRef: { value: accounts.QueryResponse.Account[0].Id },
        },
        done,
      ),
    );
    const receipt = await call<{ Id: string; TotalAmt: number }>((done) =>
      qbo.createSalesReceipt(
        {
          CustomerRef: { value: customer.Id },
          Line: [
            {
              Amount: 25,
              DetailType: 'SalesItemLineDetail',
              SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 25 },
            },
          ],
        },
        done,
      ),
    );
    const read = await call<{ Id: string; TotalAmt: number }>((done) =>
      qbo.getSalesReceipt(receipt.Id, done),
    );

    expect(receipt.TotalAmt).toBe(25);
    expect(read.Id).toBe(receipt.Id);
  });

  it('runs a batch with a create and a query', async () => {
    const response = await call<{ BatchItemResponse: Array<Record<string, unknown>> }>((done) =>
      qbo.batch(
        [
          { bId: 'create-1', operation: 'create', Customer: { DisplayName: 'Batch Customer' } },
          { bId: 'query-1', operation: 'query', Query: "select * from Term where Name = 'Net 30'" },
        ],
        done,
      ),
    );
    const [created, queried] = response.BatchItemResponse;

    expect(created).toMatchObject({ bId: 'create-1', Customer: { DisplayName: 'Batch Customer' } });
    expect(queried).toMatchObject({
      bId: 'query-1',
      QueryResponse: { Term: [{ Name: 'Net 30' }] },
    });
  });

  it('reads changes through change data capture', async () => {
    const since = new Date(Date.now() - 60_000);
    const created = await call<{ Id: string }>((done) =>
      qbo.createCustomer({ DisplayName: 'CDC Customer' }, done),
    );
    const changes = await call<{
      CDCResponse: Array<{ QueryResponse: Array<{ Customer?: Array<{ Id: string }> }> }>;
    }>((done) => qbo.changeDataCapture(['Customer'], since, done));

    expect(
      changes.CDCResponse[0].QueryResponse[0].Customer?.map((customer) => customer.Id),
    ).toContain(created.Id);
  });

  it('reports a fault as an HTTP error with the fault body', async () => {
    const failure = (await call((done) =>
      qbo.createCustomer({ DisplayName: 'Node Client Customer' }, done),
    ).catch((error: unknown) => error)) as {
      response?: { status: number; data: { Fault: { Error: Array<{ code: string }> } } };
    };

    expect(failure.response?.status).toBe(400);
    expect(failure.response?.data.Fault.Error[0].code).toBe('6240');
  });

  it('refreshes and revokes tokens', async () => {
    const refreshed = await call<{ access_token: string }>((done) => qbo.refreshAccessToken(done));

    expect(refreshed.access_token).toBe(qbo.token);
    await call((done) => qbo.revokeAccess(true, done));
    const failure = await call((done) => qbo.getCompanyInfo(realmId, done)).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeTruthy();
  });
});
