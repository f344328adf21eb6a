export { rawFileMessages, RawRunInvalid } from './rawFiles';
