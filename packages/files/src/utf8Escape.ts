import { isUtf8 } from 'node:buffer';

/** The first code unit of the escapes: byte `b` that is not UTF-8 becomes the lone surrogate U+DC00 + b. */
const ESCAPE_BASE = 0xdc00;

/** Length of the UTF-8 sequence starting at `i`, or 0 when the byte there starts none (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF). */
function sequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const [length, low, high] =
    lead >= 0xc2 && lead <= 0xdf
      ? [2, 0x80, 0xbf]
      : lead === 0xe0
        ? [3, 0xa0, 0xbf]
        : lead === 0xed
          ? [3, 0x80, 0x9f]
          : lead >= 0xe1 && lead <= 0xef
            ? [3, 0x80, 0xbf]
            : lead === 0xf0
              ? [4, 0x90, 0xbf]
              : lead >= 0xf1 && lead <= 0xf3
                ? [4, 0x80, 0xbf]
                : lead === 0xf4
                  ? [4, 0x80, 0x8f]
                  : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

/**
 * Decodes UTF-8, keeping every byte that is not UTF-8 as the lone surrogate U+DC00 + byte
 * (Python's "surrogateescape") instead of replacing it with U+FFFD. A replaced byte is not data:
 * this way the bad bytes reach the transform, which quarantines the value with the bytes named,
 * and a genuine U+FFFD in the source stays apart from a broken byte.
 */
export function decodeUtf8KeepingBadBytes(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let text = '';
  let runStart = 0;
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    text += bytes.toString('utf8', runStart, i) + String.fromCharCode(ESCAPE_BASE + bytes[i]!);
    runStart = ++i;
  }
  return text + bytes.toString('utf8', runStart);
}

/** The first byte that starts no UTF-8 sequence, and its index; undefined when all of `bytes` is UTF-8. */
export function firstBadUtf8Byte(bytes: Buffer): { byte: number; at: number } | undefined {
  if (isUtf8(bytes)) return undefined;
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return { byte: bytes[i]!, at: i };
    i += length;
  }
  return undefined;
}
