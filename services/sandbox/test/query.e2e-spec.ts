import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { connect, freshRealmId, qboClient, startSandbox } from './support/sandbox-harness';

describe('QBO query endpoint', () => {
  let app: NestExpressApplication;
  let api: ReturnType<typeof qboClient>;
  let realmId: string;

  beforeAll(async () => {
    app = await startSandbox();
    realmId = freshRealmId();
    api = qboClient(app, await connect(app, realmId));
    for (const name of ['Alice Adams', "Bob O'Brien", 'Carol Chen', 'Dan Diaz', 'Eve Evans']) {
      await api.post('/customer', { DisplayName: name }).expect(200);
    }
  });

  afterAll(async () => {
    await app.close();
  });

  function names(body: { QueryResponse: { Customer?: { DisplayName: string }[] } }): string[] {
    return (body.QueryResponse.Customer ?? []).map((customer) => customer.DisplayName);
  }

  it('selects all rows with paging fields', async () => {
    const response = await api.query('SELECT * FROM Customer').expect(200);

    expect(names(response.body)).toHaveLength(5);
    expect(response.body.QueryResponse.startPosition).toBe(1);
    expect(response.body.QueryResponse.maxResults).toBe(5);
    expect(response.body.time).toEqual(expect.any(String));
  });

  it('filters with = and an escaped quote', async () => {
    const response = await api
      .query("select * from Customer where DisplayName = 'Bob O\\'Brien'")
      .expect(200);

    expect(names(response.body)).toEqual(["Bob O'Brien"]);
  });

  it('filters with IN', async () => {
    const response = await api
      .query("SELECT * FROM Customer WHERE DisplayName IN ('Alice Adams', 'Eve Evans', 'Nobody')")
      .expect(200);

    expect(names(response.body)).toEqual(['Alice Adams', 'Eve Evans']);
  });

  it('filters with LIKE', async () => {
    const response = await api
      .query("SELECT * FROM Customer WHERE DisplayName LIKE '%an%'")
      .expect(200);

    expect(names(response.body).sort()).toEqual(['Dan Diaz', 'Eve Evans']);
  });

  it('filters on dotted fields', async () => {
    const response = await api
      .query("SELECT * FROM Customer WHERE MetaData.CreateTime > '2000-01-01T00:00:00-08:00'")
      .expect(200);

    expect(names(response.body)).toHaveLength(5);
  });

  it('counts with COUNT(*)', async () => {
    const response = await api
      .query("SELECT COUNT(*) FROM Customer WHERE DisplayName LIKE 'A%'")
      .expect(200);

    expect(response.body.QueryResponse).toEqual({ totalCount: 1 });
  });

  it('pages with STARTPOSITION and MAXRESULTS', async () => {
    const response = await api
      .query('SELECT * FROM Customer ORDERBY DisplayName DESC STARTPOSITION 2 MAXRESULTS 2')
      .expect(200);

    expect(names(response.body)).toEqual(['Dan Diaz', 'Carol Chen']);
    expect(response.body.QueryResponse.startPosition).toBe(2);
    expect(response.body.QueryResponse.maxResults).toBe(2);
  });

  it('returns an empty QueryResponse when nothing matches', async () => {
    const response = await api
      .query("SELECT * FROM Customer WHERE DisplayName = 'Nobody'")
      .expect(200);

    expect(response.body.QueryResponse).toEqual({});
  });

  it('returns only selected fields', async () => {
    const response = await api
      .query("SELECT DisplayName FROM Customer WHERE DisplayName = 'Eve Evans'")
      .expect(200);

    expect(response.body.QueryResponse.Customer).toEqual([
      { domain: 'QBO', sparse: true, DisplayName: 'Eve Evans' },
    ]);
  });

  it('accepts the statement as an application/text body', async () => {
    const response = await request(app.getHttpServer())
      .post(`/v3/company/${realmId}/query?minorversion=75`)
      .set('Authorization', api.authorization)
      .set('Content-Type', 'application/text')
      .send('SELECT COUNT(*) FROM Account')
      .expect(200);

    expect(response.body.QueryResponse.totalCount).toBe(8);
  });

  it('answers a syntax error with 4000', async () => {
    const response = await api.query('SELECT * FROM Customer WHERE').expect(400);

    expect(response.body.Fault.type).toBe('ValidationFault');
    expect(response.body.Fault.Error[0]).toMatchObject({
      code: '4000',
      Message: 'Error parsing query',
    });
    expect(response.body.Fault.Error[0].Detail).toMatch(
      /^QueryParserError: Encountered "<EOF>" at line 1, column 29/,
    );
  });

  it('answers an unknown property with 4001', async () => {
    const response = await api.query("SELECT * FROM Customer WHERE Nickname = 'x'").expect(400);

    expect(response.body.Fault.Error[0]).toMatchObject({ code: '4001', Message: 'Invalid query' });
  });

  it('answers an unknown entity with 4001', async () => {
    const response = await api.query('SELECT * FROM PurchaseOrder').expect(400);

    expect(response.body.Fault.Error[0].code).toBe('4001');
  });
});
