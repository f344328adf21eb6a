export { lines } from './lines';
export { TextSink } from './textSink';
export { digestTap } from './digestTap';
export { gzipUpload } from './gzipUpload';
export { csvField, CSV_NULL } from './csv';
