import { decodeUtf8KeepingBadBytes } from './utf8Escape';

describe('decodeUtf8KeepingBadBytes', () => {
  it('decodes valid UTF-8 as it is, a genuine U+FFFD included', () => {
    const text = 'plain, é, 中, 😀, \ufffd';
    expect(decodeUtf8KeepingBadBytes(Buffer.from(text))).toBe(text);
  });

  it('keeps each byte that is not UTF-8 as U+DC00 + byte, never as U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('f'), Buffer.from([0xff, 0xfe]), Buffer.from('g é'), Buffer.from([0xc3])]);
    expect(decodeUtf8KeepingBadBytes(bytes)).toBe('f\udcff\udcfeg é\udcc3');
  });

  it('refuses overlong forms, encoded surrogates and code points past U+10FFFF byte by byte', () => {
    expect(decodeUtf8KeepingBadBytes(Buffer.from([0xc0, 0xaf]))).toBe('\udcc0\udcaf'); // overlong "/"
    expect(decodeUtf8KeepingBadBytes(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\udced\udca0\udc80'); // U+D800
    expect(decodeUtf8KeepingBadBytes(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe('\udcf4\udc90\udc80\udc80'); // U+110000
  });
});
