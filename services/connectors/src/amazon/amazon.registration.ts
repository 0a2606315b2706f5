import { type ChannelRegistration } from '../channel/channel-adapter';
import { amazonAdapter } from './amazon.adapter';
import { type AmazonCredentials } from './amazon.credentials';

/** Amazon has no order webhooks, so the webhook benchmark has no samples for it. */
export const amazonRegistration: ChannelRegistration<AmazonCredentials> = {
  adapter: amazonAdapter,
};
