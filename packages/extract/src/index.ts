export { writeRawFile } from './rawFileWriter';
export type { RawFileTarget } from './rawFileWriter';
export { writeRunManifest, readRunManifest, announcements } from './runManifest';
