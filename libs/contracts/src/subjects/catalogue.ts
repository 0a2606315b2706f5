/**
 * Every NATS subject and JetStream stream the services use. Subjects follow
 * `<domain>.<entity>.<event>.<version>`, lower case and dot separated; the trailing number is bumped
 * when a payload changes incompatibly, and both versions are served during a rolling upgrade.
 * No service writes a subject string anywhere else.
 */
export const Subjects = {
  /** A connector normalised a channel order (JetStream, stream ORDERS). */
  OrderReceived: 'orders.order.received.1',
  /** The rules service rewrote an order for QuickBooks Online (JetStream, stream ORDERS). */
  OrderReadyForQbo: 'orders.order.ready-qbo.1',
  /** The rules service rewrote an order for QuickBooks Desktop (JetStream, stream ORDERS). */
  OrderReadyForQbd: 'orders.order.ready-qbd.1',
  /** A connector normalised a channel refund or a cancellation of paid goods (stream ORDERS). */
  RefundReceived: 'orders.refund.received.1',
  /** The rules service routed a refund to QuickBooks Online (JetStream, stream ORDERS). */
  RefundReadyForQbo: 'orders.refund.ready-qbo.1',
  /** The rules service routed a refund to QuickBooks Desktop (JetStream, stream ORDERS). */
  RefundReadyForQbd: 'orders.refund.ready-qbd.1',
  /** A connector normalised a processor payout or marketplace settlement (stream PAYOUTS). */
  PayoutReceived: 'payouts.payout.received.1',
  /** The rules service routed a payout to QuickBooks Online (JetStream, stream PAYOUTS). */
  PayoutReadyForQbo: 'payouts.payout.ready-qbo.1',
  /** The rules service routed a payout to QuickBooks Desktop (JetStream, stream PAYOUTS). */
  PayoutReadyForQbd: 'payouts.payout.ready-qbd.1',
  /** A connector read a channel's inventory levels (JetStream, stream INVENTORY). */
  InventoryReported: 'inventory.level.reported.1',
  /** Set quantities on one channel connection (JetStream, stream INVENTORY). */
  InventoryPushRequested: 'inventory.push.requested.1',
  /** A connector applied (or failed) an inventory push (JetStream, stream INVENTORY). */
  InventoryPushCompleted: 'inventory.push.completed.1',
  /** A connector normalised a store's inventory adjustment (JetStream, stream INVENTORY). */
  InventoryAdjustmentReceived: 'inventory.adjustment.received.1',
  /** The rules service routed an inventory adjustment to QuickBooks Desktop (stream INVENTORY). */
  InventoryAdjustmentReadyForQbd: 'inventory.adjustment.ready-qbd.1',
  /** Any service recorded an outcome for the sync activity log (JetStream, stream SYNC). */
  SyncEventRecorded: 'sync.event.recorded.1',

  /** Request/reply: store a Shopify shop's credentials in the connectors service. */
  ShopifyConnectionPut: 'connectors.shopify-connection.put.1',
  /** Request/reply: exchange a QuickBooks Online authorisation code for tokens in the qbo service. */
  QboConnectionAuthorize: 'qbo.connection.authorize.1',
  /** Request/reply: read a QuickBooks Online connection's status (never its tokens). */
  QboConnectionGet: 'qbo.connection.get.1',
  /** Request/reply: disconnect a QuickBooks Online company; its tokens are revoked at Intuit. */
  QboConnectionDisconnect: 'qbo.connection.disconnect.1',
  /** Request/reply: the QuickBooks Online company's cached lists (accounts, classes, tax codes...). */
  QboCompanyListsGet: 'qbo.company-lists.get.1',
  /** Request/reply: replace a QuickBooks Online connection's posting settings. */
  QboPostingSettingsPut: 'qbo.posting-settings.put.1',
  /** Request/reply: read a QuickBooks Online connection's posting settings. */
  QboPostingSettingsGet: 'qbo.posting-settings.get.1',
  /** Request/reply: the QuickBooks Desktop company file's cached lists. */
  QbdCompanyListsGet: 'qbd.company-lists.get.1',
  /** Request/reply: pair a QuickBooks Desktop company file (Web Connector user and password). */
  QbdConnectionPair: 'qbd.connection.pair.1',
  /** Request/reply: issue a new Web Connector password for a paired company file. */
  QbdPasswordReset: 'qbd.connection.password-reset.1',
  /** Request/reply: the `.qwc` file that adds the company file to the Web Connector. */
  QbdQwcGet: 'qbd.connection.qwc.1',
  /** Request/reply: a paired company file's state (`QbdConnectionStatus`, without a password). */
  QbdConnectionStatusGet: 'qbd.connection.status.1',
  /** Request/reply: one page of a QuickBooks Desktop company file's queue, by state. */
  QbdQueueList: 'qbd.queue.list.1',
  /** Request/reply: retry, skip or cancel one QuickBooks Desktop queue entry. */
  QbdQueueAction: 'qbd.queue.action.1',
  /** Request/reply: replace a posted order's QuickBooks Desktop document with its latest revision. */
  QbdOrderReplace: 'qbd.order.replace.1',
  /** Request/reply: store an account's rule set in the rules service. */
  RuleSetPut: 'rules.rule-set.put.1',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

/** Prefix of the subjects that hold messages a consumer gave up on: `deadletter.<stream>.<consumer>`. */
export const DEAD_LETTER_PREFIX = 'deadletter';

export function deadLetterSubject(stream: string, consumer: string): string {
  return `${DEAD_LETTER_PREFIX}.${stream.toLowerCase()}.${consumer}`;
}

export interface StreamDefinition {
  name: string;
  subjects: string[];
  /** How long JetStream remembers a message id to drop a republished duplicate, in seconds. */
  duplicateWindowSeconds: number;
  /** How long messages are kept, in seconds; 0 keeps them until the stream's limits remove them. */
  maxAgeSeconds: number;
}

const DAY_SECONDS = 24 * 60 * 60;

export const Streams = {
  Orders: {
    name: 'ORDERS',
    subjects: ['orders.>'],
    // Shopify retries a failed webhook for up to 48 hours; a day of message ids absorbs most of
    // those, and the posting ledger's unique index absorbs the rest.
    duplicateWindowSeconds: DAY_SECONDS,
    maxAgeSeconds: 7 * DAY_SECONDS,
  },
  Sync: {
    name: 'SYNC',
    subjects: ['sync.>'],
    duplicateWindowSeconds: 10 * 60,
    maxAgeSeconds: 7 * DAY_SECONDS,
  },
  Payouts: {
    name: 'PAYOUTS',
    subjects: ['payouts.>'],
    duplicateWindowSeconds: DAY_SECONDS,
    maxAgeSeconds: 30 * DAY_SECONDS,
  },
  Inventory: {
    name: 'INVENTORY',
    subjects: ['inventory.>'],
    duplicateWindowSeconds: 60 * 60,
    maxAgeSeconds: DAY_SECONDS,
  },
  DeadLetters: {
    name: 'DEADLETTERS',
    subjects: [`${DEAD_LETTER_PREFIX}.>`],
    duplicateWindowSeconds: 10 * 60,
    maxAgeSeconds: 30 * DAY_SECONDS,
  },
} as const satisfies Record<string, StreamDefinition>;

export interface ConsumerDefinition {
  stream: StreamDefinition;
  /** Durable consumer name; replicas of one service share it and so share the work. */
  durable: string;
  filterSubject: string;
  /** Deliveries before a message is moved to the dead-letter subject. */
  maxDeliver: number;
  /** Seconds a delivered message may stay unacknowledged before JetStream redelivers it. */
  ackWaitSeconds: number;
}

export const Consumers = {
  RulesOrderReceived: {
    stream: Streams.Orders,
    durable: 'rules-order-received',
    filterSubject: Subjects.OrderReceived,
    maxDeliver: 5,
    ackWaitSeconds: 30,
  },
  RulesRefundReceived: {
    stream: Streams.Orders,
    durable: 'rules-refund-received',
    filterSubject: Subjects.RefundReceived,
    maxDeliver: 5,
    ackWaitSeconds: 30,
  },
  RulesPayoutReceived: {
    stream: Streams.Payouts,
    durable: 'rules-payout-received',
    filterSubject: Subjects.PayoutReceived,
    maxDeliver: 5,
    ackWaitSeconds: 30,
  },
  RulesInventoryAdjustmentReceived: {
    stream: Streams.Inventory,
    durable: 'rules-inventory-adjustment-received',
    filterSubject: Subjects.InventoryAdjustmentReceived,
    maxDeliver: 5,
    ackWaitSeconds: 30,
  },
  QbdInventoryAdjustmentReady: {
    stream: Streams.Inventory,
    durable: 'qbd-inventory-adjustment-ready',
    filterSubject: Subjects.InventoryAdjustmentReadyForQbd,
    maxDeliver: 8,
    ackWaitSeconds: 60,
  },
  QboOrderReady: {
    stream: Streams.Orders,
    durable: 'qbo-order-ready',
    filterSubject: Subjects.OrderReadyForQbo,
    maxDeliver: 8,
    ackWaitSeconds: 60,
  },
  QbdOrderReady: {
    stream: Streams.Orders,
    durable: 'qbd-order-ready',
    filterSubject: Subjects.OrderReadyForQbd,
    maxDeliver: 8,
    ackWaitSeconds: 60,
  },
  QbdRefundReady: {
    stream: Streams.Orders,
    durable: 'qbd-refund-ready',
    filterSubject: Subjects.RefundReadyForQbd,
    maxDeliver: 8,
    ackWaitSeconds: 60,
  },
  QbdPayoutReady: {
    stream: Streams.Payouts,
    durable: 'qbd-payout-ready',
    filterSubject: Subjects.PayoutReadyForQbd,
    maxDeliver: 8,
    ackWaitSeconds: 60,
  },
  QboRefundReady: {
    stream: Streams.Orders,
    durable: 'qbo-refund-ready',
    filterSubject: Subjects.RefundReadyForQbo,
    maxDeliver: 8,
    ackWaitSeconds: 60,
  },
  QboPayoutReady: {
    stream: Streams.Payouts,
    durable: 'qbo-payout-ready',
    filterSubject: Subjects.PayoutReadyForQbo,
    maxDeliver: 8,
    ackWaitSeconds: 60,
  },
  GatewaySyncEvents: {
    stream: Streams.Sync,
    durable: 'gateway-sync-events',
    filterSubject: Subjects.SyncEventRecorded,
    maxDeliver: 10,
    ackWaitSeconds: 30,
  },
} as const satisfies Record<string, ConsumerDefinition>;
