import { generatePassword, hashPassword, verifyPassword } from './web-connector-password';

describe('Web Connector password', () => {
  it('verifies the password it hashed', async () => {
    const password = generatePassword();

    expect(await verifyPassword(password, await hashPassword(password))).toBe(true);
  });

  it('rejects another password', async () => {
    expect(await verifyPassword('wrong', await hashPassword(generatePassword()))).toBe(false);
  });

  it('stores no plain text', async () => {
    const password = generatePassword();
    const hash = await hashPassword(password);

    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain(password);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it.each([[''], ['bcrypt$1$2'], ['scrypt$32768$8$1$$']])(
    'rejects malformed hash %j',
    async (hash) => {
      expect(await verifyPassword('anything', hash)).toBe(false);
    },
  );

  it('generates distinct 24-character passwords', () => {
    const passwords = new Set(Array.from({ length: 50 }, generatePassword));

    expect(passwords.size).toBe(50);
    expect([...passwords].every((password) => /^[A-Za-z0-9_-]{24}$/.test(password))).toBe(true);
  });
});
