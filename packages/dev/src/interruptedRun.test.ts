import { planAfterInterruption } from './interruptedRun';
import type { PlannerAnswer } from './interruptedRun';

/** A planner that answers in turn, recording how it was asked. */
function planner(...answers: PlannerAnswer[]) {
  const calls: boolean[] = [];
  return { calls, plan: async (force = false) => (calls.push(force), answers.shift()!) };
}
const planned = (runId: string): PlannerAnswer => ({ planned: { runId, since: null } });
const inFlight: PlannerAnswer = { skipped: 'run r-old is still in flight (1/3 parts loaded)', inFlightRunId: 'r-old' };

describe('planAfterInterruption', () => {
  it('plans at once when no run is in flight', async () => {
    const { plan, calls } = planner(planned('r-new'));
    const followed: string[] = [];
    const outcome = await planAfterInterruption({
      plan,
      follow: async (id) => void followed.push(id),
      messagesBack: async () => true,
      log: () => {},
    });
    expect([outcome, calls, followed]).toEqual([planned('r-new'), [false], []]);
  });

  it('finishes the interrupted run first when its messages are back, then plans from its watermark', async () => {
    const { plan, calls } = planner(inFlight, planned('r-new'));
    const followed: string[] = [];
    const log: string[] = [];
    const outcome = await planAfterInterruption({
      plan,
      follow: async (id) => void followed.push(id),
      messagesBack: async () => true,
      log: (l) => log.push(l),
    });
    expect([outcome, calls, followed]).toEqual([planned('r-new'), [false, false], ['r-old']]);
    expect(log).toEqual(['▶ finishing run r-old, which an interrupted pnpm dev left in flight', '✔ run r-old loaded']);
  });

  it('says what becomes of a run whose messages it cannot hand back, and plans a new one', async () => {
    const { plan, calls } = planner(inFlight, planned('r-new'));
    const log: string[] = [];
    const outcome = await planAfterInterruption({ plan, follow: async () => {}, messagesBack: async () => false, log: (l) => log.push(l) });
    expect([outcome, calls]).toEqual([planned('r-new'), [false, true]]);
    expect(log).toEqual([expect.stringMatching(/still in flight .*: it will finish when its messages come back; planning a new run now$/)]);
  });
});
