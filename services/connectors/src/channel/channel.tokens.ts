/** Injection token of the `ChannelAdapter` this deployment serves (the one `CHANNEL` names). */
export const CHANNEL_ADAPTER = Symbol('CHANNEL_ADAPTER');
