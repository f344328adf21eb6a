import { stageSeconds } from './ledger';

describe('stageSeconds', () => {
  it.each([
    ['takes each stage from the end of the one before', 118, { load: 2.25, total: 18 }],
    // loaded at 115.9 s, which GETDATE() (whole seconds, as the ledger keeps it) says as 115
    ['never shows a load ending before the last transform', 115, { load: 0, total: 15.75 }],
  ])('%s', (_, loadedAt, expected) => {
    expect(stageSeconds(100, { extract: 108.5, transform: 115.75, load: loadedAt })).toEqual({
      extract: 8.5,
      transform: 7.25,
      ...expected,
    });
  });
});
