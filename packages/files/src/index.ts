export { lineBatches, lines, textLineBatches } from './lines';
export type { Line, TextLine } from './lines';
export { TextSink } from './textSink';
export { digestTap } from './digestTap';
export { gzipUpload } from './gzipUpload';
export { PartUpload, PART_BYTES } from './partUpload';
export type { PartUploadTarget } from './partUpload';
export { csvField, CSV_NULL, parseCsvLine } from './csv';
export { decodeUtf8KeepingBadBytes, firstBadUtf8Byte } from './utf8Escape';
