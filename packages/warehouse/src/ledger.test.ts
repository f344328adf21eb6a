import { stageSeconds } from './ledger';

describe('stageSeconds', () => {
  it('takes each stage from the end of the one before', () => {
    expect(stageSeconds(100, { extract: 108.5, transform: 115.75, load: 118 })).toEqual({
      extract: 8.5,
      transform: 7.25,
      load: 2.25,
      total: 18,
    });
  });

  it('never shows a load ending before the last transform: the ledger has its time in whole seconds', () => {
    // loaded at 115.9 s, which GETDATE() says as 115
    expect(stageSeconds(100, { extract: 108.5, transform: 115.75, load: 115 })).toEqual({
      extract: 8.5,
      transform: 7.25,
      load: 0,
      total: 15.75,
    });
  });
});
