import * as z from 'zod/mini';

/** S3 bucket names: 3–63 chars, lowercase letters, digits, dots and hyphens (AWS naming rules). */
const bucketName = z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name'));

/** Hex SHA-256 of the object's bytes as stored (the gzip bytes, not the rows inside). */
export const sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters (SHA-256)'));

/**
 * A claim check: where a data file lives in S3, how big it is and what it holds.
 * The prefix says which stage wrote it (`raw/`, `staged/`, `quarantine/`).
 */
export function objectPointer<P extends string>(prefix: P) {
  return z.object({
    bucket: bucketName,
    key: z.string().check(
      z.minLength(prefix.length + 1),
      z.maxLength(1024),
      z.refine((key) => key.startsWith(prefix), { message: `must start with "${prefix}"` }),
      z.refine((key) => !key.split('/').includes('..'), { message: 'must not contain ".." segments' }),
    ),
    bytes: z.int().check(z.nonnegative()),
    rows: z.int().check(z.nonnegative()),
    sha256: sha256Hex,
  });
}

export type ObjectPointer = z.infer<ReturnType<typeof objectPointer>>;
