import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseMessage } from '../validation';
import { MessageSchemas } from './message-schemas';

// Messages as the previous release published them. During a rolling upgrade the new version of
// a consumer reads these from the streams, so each must still parse under today's contract.
const PREVIOUS_RELEASE = join(__dirname, '../../../../fixtures/contracts/release-0.1');

const recorded = readdirSync(PREVIOUS_RELEASE)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    subject: file.replace(/\.json$/, ''),
    message: JSON.parse(readFileSync(join(PREVIOUS_RELEASE, file), 'utf8')) as unknown,
  }));

describe('messages from the previous release', () => {
  it('covers each subject that release published', () => {
    expect(recorded.map(({ subject }) => subject).sort()).toEqual([
      'inventory.adjustment.received.1',
      'orders.order.ready-qbo.1',
      'orders.order.received.1',
      'sync.event.recorded.1',
    ]);
  });

  it.each(recorded)('$subject still parses', ({ subject, message }) => {
    const schema = MessageSchemas[subject as keyof typeof MessageSchemas];

    expect(schema).toBeDefined();
    expect(parseMessage(schema, message)).toMatchObject({ ok: true });
  });

  it('reads a ready order without posting overrides as one with none', () => {
    const ready = recorded.find(({ subject }) => subject === 'orders.order.ready-qbo.1');
    const parsed = parseMessage(MessageSchemas['orders.order.ready-qbo.1'], ready?.message);

    expect(parsed.ok && parsed.value.overrides).toBeUndefined();
  });
});
