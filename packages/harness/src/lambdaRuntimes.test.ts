import { NODE_RUNTIMES, esbuildTarget, newestRuntime, runtimeProblem } from './lambdaRuntimes';

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe('runtimeProblem', () => {
  it('refuses nodejs20.x today: Lambda blocks creating and updating functions on it', () => {
    expect(runtimeProblem('nodejs20.x', day('2026-12-02'))).toBe(
      'nodejs20.x: Lambda refuses to create functions on it since 2026-08-31 and to update them since 2026-09-30: set provider.runtime to nodejs24.x',
    );
  });

  it('says a first deploy fails between the block-create and block-update dates', () => {
    expect(runtimeProblem('nodejs20.x', day('2026-09-01'))).toMatch(
      /since 2026-08-31 \(a first deploy of a stage fails\) and to update them from 2026-09-30/,
    );
  });

  it('starts failing 60 days before the block-create date, not 61', () => {
    const { blockCreate } = NODE_RUNTIMES['nodejs22.x'];
    expect(blockCreate).toBe('2027-06-01');
    expect(runtimeProblem('nodejs22.x', day('2027-04-01'))).toBeUndefined();
    expect(runtimeProblem('nodejs22.x', day('2027-04-02'))).toBe(
      'nodejs22.x: Lambda refuses to create functions on it from 2027-06-01, 60 days from 2027-04-02: set provider.runtime to nodejs24.x',
    );
  });

  it('accepts nodejs24.x until 60 days before 2028-06-01', () => {
    expect(runtimeProblem('nodejs24.x', day('2026-12-02'))).toBeUndefined();
    expect(runtimeProblem('nodejs24.x', day('2028-04-02'))).toMatch(/from 2028-06-01, 60 days/);
  });

  it('names a runtime it does not know', () => {
    expect(runtimeProblem('nodejs26.x', day('2026-12-02'))).toMatch(
      /^nodejs26.x: not a Node.js runtime this project knows \(nodejs18.x, .*nodejs24.x\)/,
    );
  });
});

describe('the runtime table', () => {
  it('has its dates in order for every runtime', () => {
    for (const dates of Object.values(NODE_RUNTIMES)) {
      expect(dates.deprecated < dates.blockCreate && dates.blockCreate < dates.blockUpdate).toBe(true);
    }
  });

  it('points to the newest runtime and its esbuild target', () => {
    expect(newestRuntime()).toBe('nodejs24.x');
    expect(esbuildTarget('nodejs24.x')).toBe('node24');
  });
});
