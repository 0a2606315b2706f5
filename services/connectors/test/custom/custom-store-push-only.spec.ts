import {
  type ChannelCallContext,
  type ChannelHttpRequest,
} from '../../src/channel/channel-adapter';
import {
  CUSTOM_PUSH_ONLY_HELP,
  customStoreAdapter,
  type CustomStoreCredentials,
} from '../../src/custom/custom-store.adapter';

function callFor(credentials: CustomStoreCredentials): {
  call: ChannelCallContext<CustomStoreCredentials>;
  requests: ChannelHttpRequest[];
} {
  const requests: ChannelHttpRequest[] = [];
  const call: ChannelCallContext<CustomStoreCredentials> = {
    connection: {
      accountId: 'account-1',
      connectionId: 'connection-1',
      channel: 'custom',
      credentials,
      settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
    },
    http: {
      request: (request) => {
        requests.push(request);

        return Promise.reject(new Error(`unexpected request to ${request.path}`));
      },
    },
    baseUrl: customStoreAdapter.defaultBaseUrl(credentials),
    now: () => new Date('2026-07-01T12:00:00Z'),
  };

  return { call, requests };
}

describe('push-only custom store', () => {
  const credentials = { pushSecret: 'push-secret-0123456789' };

  it('has no API access', () => {
    expect(customStoreAdapter.canCallApi?.(credentials)).toBe(false);
  });

  it('tests the connection without a request', async () => {
    const { call, requests } = callFor(credentials);
    const result = await customStoreAdapter.testConnection(call);

    expect(requests).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checks).toEqual([{ name: 'pull API', ok: true, message: CUSTOM_PUSH_ONLY_HELP }]);
  });

  it('names push-only and the pull settings', () => {
    expect(customStoreAdapter.noApiAccessHelp).toBe(CUSTOM_PUSH_ONLY_HELP);
    expect(CUSTOM_PUSH_ONLY_HELP).toMatch(/^the connection is push-only/);
    expect(CUSTOM_PUSH_ONLY_HELP).toContain('baseUrl (the pull API URL), username and password');
  });
});
