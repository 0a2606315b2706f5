import { parseMessage } from '../validation';
import { qboPostingSettingsSchema } from './qbo-posting-settings.schema';

describe('qboPostingSettingsSchema', () => {
  it('fills defaults for an empty body', () => {
    const parsed = parseMessage(qboPostingSettingsSchema, {});

    expect(parsed.ok).toBe(true);
    expect(parsed.ok ? parsed.value.transactionMode : undefined).toBe('sales_receipt');
  });

  it('rejects an unknown setting naming it', () => {
    const parsed = parseMessage(qboPostingSettingsSchema, { bogusField: 1 });

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain('"bogusField"');
    expect(parsed.ok ? '' : parsed.error).toContain('transactionMode');
  });

  it('rejects an unknown nested setting', () => {
    const parsed = parseMessage(qboPostingSettingsSchema, { depositMatch: { window: 5 } });

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain('windowDays');
  });

  it('rejects an unknown time zone', () => {
    const parsed = parseMessage(qboPostingSettingsSchema, { timeZone: 'Mars/Olympus' });

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain('timeZone');
  });

  it('accepts an IANA time zone', () => {
    const parsed = parseMessage(qboPostingSettingsSchema, { timeZone: 'America/New_York' });

    expect(parsed.ok).toBe(true);
  });
});
