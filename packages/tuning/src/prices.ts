/**
 * AWS list prices the cost model uses: us-east-1, on-demand, no free tier, as published on
 * aws.amazon.com/{lambda,sqs,s3}/pricing and read on the date below. One table, in one place:
 * update it (and the date) when prices change; every figure `pnpm tune` / `pnpm cost` prints
 * comes from here.
 */
export const PRICES = {
  asOf: '2026-11-27',
  region: 'us-east-1',
  lambda: {
    /** USD per GB-second of duration (first pricing tier; Arm is what the services deploy). */
    gbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
    /** USD per request (invocation). */
    request: 0.2 / 1e6,
    /** Duration is billed in 1 ms increments. */
    billingIncrementMs: 1,
  },
  sqs: {
    /** USD per request, standard queue; each 64 KB of a payload counts as one request. */
    request: 0.4 / 1e6,
  },
  s3: {
    /** S3 Standard, USD per request: PUT, COPY, POST, LIST (multipart create/part/complete are each one). */
    write: 0.005 / 1000,
    /** GET, SELECT and all other requests except DELETE, which is free. */
    read: 0.0004 / 1000,
  },
} as const;

export type Architecture = keyof typeof PRICES.lambda.gbSecond;
