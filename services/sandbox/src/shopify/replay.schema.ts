import { z } from 'zod';

const hostnamePattern =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Body of `POST /__sandbox/shopify/replay`. */
export const replayRequestSchema = z
  .object({
    targetUrl: z.string().min(1),
    shopDomain: z
      .string()
      .regex(hostnamePattern, 'expected a shop host name such as demo.myshopify.com'),
    secret: z.string().min(1),
    topic: z.enum(['orders/create', 'orders/updated']).default('orders/create'),
    fixtures: z.array(z.string().min(1)).min(1).optional(),
    orders: z.array(z.record(z.string(), z.unknown())).min(1).optional(),
    repeatDeliveries: z.number().int().min(0).max(10).default(0),
    concurrency: z.number().int().min(1).max(64).default(4),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  })
  .strict()
  .refine((body) => !(body.fixtures && body.orders), {
    message: 'give either fixtures or orders, not both',
    path: ['orders'],
  });

export type ReplayRequest = z.infer<typeof replayRequestSchema>;
