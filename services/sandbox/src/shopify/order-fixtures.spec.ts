import { FixtureError, loadShopifyOrderFixtures } from './order-fixtures';

describe('loadShopifyOrderFixtures', () => {
  const orders = loadShopifyOrderFixtures();

  it('finds each distinct order once', () => {
    const ids = orders.map((order) => order.id);

    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        450789469, 1073459963, 1073459966, 1073459969, 1073459970, 1073459972, 1073459975,
        1073459976, 1073459980, 1073459981, 1073459983,
      ]),
    );
    expect(ids).toHaveLength(11);
  });

  it('keeps full bodies, not fields= excerpts', () => {
    const sample = orders.find((order) => order.id === 450789469);

    expect(sample?.body.total_price).toBe('598.94');
    expect(sample?.body.currency).toBe('USD');
    expect(Array.isArray(sample?.body.line_items)).toBe(true);
  });

  it('keeps totals and currencies of the fixtures', () => {
    const byId = new Map(orders.map((order) => [order.id, order.body]));

    expect(byId.get(1073459976)?.currency).toBe('EUR');
    expect(byId.get(1073459976)?.total_price).toBe('238.47');
    expect(byId.get(1073459981)?.total_price).toBe('181.09');
    expect(byId.get(1073459963)?.total_price).toBe('270.37');
  });

  it('reads only the named files', () => {
    const selected = loadShopifyOrderFixtures({
      files: ['order-2026_07-16-post.json', 'order-2026_07-07-get.json'],
    });

    expect(selected.map((order) => order.id)).toEqual([1073459976]);
  });

  it('rejects names with folders', () => {
    expect(() => loadShopifyOrderFixtures({ files: ['../qbo/xsd/Finance.xsd'] })).toThrow(
      FixtureError,
    );
  });

  it('reports a missing file', () => {
    expect(() => loadShopifyOrderFixtures({ files: ['order-missing.json'] })).toThrow(
      /order-missing.json/,
    );
  });
});
