import { createGunzip } from 'node:zlib';
import type { Gunzip } from 'node:zlib';

/** The size of the pieces data files are read and written in: zlib's default is 16 KiB, a quarter of the callbacks and buffers for the same bytes. */
export const PIECE_BYTES = 64 * 1024;

/** A gunzip stream that gives {@link PIECE_BYTES} pieces. */
export const gunzipInPieces = (): Gunzip => createGunzip({ chunkSize: PIECE_BYTES });
