export { rawFileMessages, RawRunInvalid } from './rawFiles';
export { writeRawFile } from './rawFileWriter';
export type { RawFileTarget } from './rawFileWriter';
