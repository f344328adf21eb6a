export { lines } from './lines';
export { TextSink } from './textSink';
export { digestTap } from './digestTap';
export { gzipUpload } from './gzipUpload';
