import { ContractViolation, contracts, exampleRawFileReady, exampleStagedFileReady, parseMessage, serializeMessage } from './index';

function violation(fn: () => unknown): ContractViolation {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractViolation) return error;
    throw error;
  }
  throw new Error('expected a ContractViolation');
}

describe('parseMessage', () => {
  it('returns the typed message when the body matches', () => {
    const message = exampleRawFileReady();
    expect(parseMessage(contracts.rawFileReady, JSON.stringify(message))).toEqual(message);
  });

  it('names the contract and the JSON error for a body that is not JSON', () => {
    const error = violation(() => parseMessage(contracts.rawFileReady, '{"kind":'));
    expect(error.contract).toBe('raw-file-ready');
    expect(error.issues[0]).toMatch(/^body is not JSON/);
  });

  it('lists every offending field with its path', () => {
    const body = JSON.stringify({
      ...exampleRawFileReady(),
      pipeline: 'Orders!',
      file: { ...exampleRawFileReady().file, sha256: 'xyz', key: 'staged/x' },
    });
    const error = violation(() => parseMessage(contracts.rawFileReady, body));
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pipeline: /),
        expect.stringMatching(/^file\.sha256: .*SHA-256/),
        expect.stringMatching(/^file\.key: must start with "raw\/"/),
      ]),
    );
    expect(error.message).toContain('raw-file-ready');
  });

  it('rejects unknown fields so a typo is not silently ignored', () => {
    const error = violation(() => parseMessage(contracts.rawFileReady, JSON.stringify({ ...exampleRawFileReady(), pipline: 'orders' })));
    expect(error.issues.join()).toMatch(/pipline/);
  });

  it('rejects keys that climb out of their prefix', () => {
    const message = exampleRawFileReady();
    message.file.key = 'raw/../staged/x.gz';
    expect(() => parseMessage(contracts.rawFileReady, JSON.stringify(message))).toThrow(/\.\./);
  });

  it('rejects a staged file whose accounting does not add up', () => {
    const message = exampleStagedFileReady({ accounting: { rowsIn: 10, rowsStaged: 7, rowsRejected: 2, duplicatesCollapsed: 0 } });
    const error = violation(() => parseMessage(contracts.stagedFileReady, JSON.stringify(message)));
    expect(error.issues.join()).toMatch(/rowsIn must equal rowsStaged \+ rowsRejected \+ duplicatesCollapsed/);
  });

  it('rejects a staged file whose pointers disagree with its accounting', () => {
    const message = exampleStagedFileReady({ quarantine: null });
    const error = violation(() => parseMessage(contracts.stagedFileReady, JSON.stringify(message)));
    expect(error.issues).toEqual([expect.stringMatching(/^quarantine: quarantine\.rows must equal accounting\.rowsRejected/)]);
  });

  it('accepts a staged file with no quarantine when nothing was rejected', () => {
    const message = exampleStagedFileReady({
      quarantine: null,
      accounting: { rowsIn: 10, rowsStaged: 9, rowsRejected: 0, duplicatesCollapsed: 1 },
      rejectsByRule: {},
    });
    message.staged.rows = 9;
    expect(parseMessage(contracts.stagedFileReady, JSON.stringify(message))).toEqual(message);
  });
});

describe('serializeMessage', () => {
  it('refuses to serialise a message the next stage would reject', () => {
    expect(() => serializeMessage(contracts.rawFileReady, { ...exampleRawFileReady(), part: -1 })).toThrow(ContractViolation);
  });

  it('round-trips a valid message', () => {
    const message = exampleStagedFileReady();
    expect(parseMessage(contracts.stagedFileReady, serializeMessage(contracts.stagedFileReady, message))).toEqual(message);
  });
});
