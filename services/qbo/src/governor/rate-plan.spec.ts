import { EMPTY_SCHEDULE, planRates, reserveStart } from './rate-plan';

const intuit = {
  requestsPerMinute: 500,
  requestsPerSecond: 10,
  maxInFlight: 10,
  batchesPerMinute: 40,
};

describe('planRates', () => {
  it('spaces calls for the per-minute limit', () => {
    expect(planRates(intuit, 0).requestSpacingMs).toBe(120);
  });

  it('keeps the headroom unused', () => {
    expect(planRates(intuit, 0.04).requestSpacingMs).toBe(125);
  });

  it('spaces calls for the per-second limit when it is stricter', () => {
    expect(planRates({ ...intuit, requestsPerSecond: 4 }, 0).requestSpacingMs).toBe(250);
  });

  it('spaces batch calls for their own limit', () => {
    expect(planRates(intuit, 0).batchSpacingMs).toBe(1500);
  });
});

describe('reserveStart', () => {
  const plan = planRates(intuit, 0.04);

  it('starts at once on an empty schedule', () => {
    const reserved = reserveStart(EMPTY_SCHEDULE, plan, false, 10_000);

    expect(reserved.startAtMs).toBe(10_000);
    expect(reserved.schedule.nextRequestAtMs).toBe(10_125);
  });

  it('waits for the next free start', () => {
    const schedule = { ...EMPTY_SCHEDULE, nextRequestAtMs: 10_125 };

    expect(reserveStart(schedule, plan, false, 10_050).startAtMs).toBe(10_125);
  });

  it('moves on from the slot of a slightly late call', () => {
    const schedule = { ...EMPTY_SCHEDULE, nextRequestAtMs: 10_125 };

    expect(reserveStart(schedule, plan, false, 10_135).schedule.nextRequestAtMs).toBe(10_250);
  });

  it('moves on from the start of a call later than the catch-up', () => {
    const schedule = { ...EMPTY_SCHEDULE, nextRequestAtMs: 10_125 };
    const reserved = reserveStart(schedule, plan, false, 11_000);

    expect(reserved.schedule.nextRequestAtMs).toBe(11_125);
  });

  it('waits out a pause', () => {
    const schedule = { ...EMPTY_SCHEDULE, pausedUntilMs: 70_000 };

    expect(reserveStart(schedule, plan, false, 10_000).startAtMs).toBe(70_000);
  });

  it('spaces batch calls apart', () => {
    const first = reserveStart(EMPTY_SCHEDULE, plan, true, 10_000);
    const second = reserveStart(first.schedule, plan, true, 10_200);

    expect(second.startAtMs).toBe(10_000 + plan.batchSpacingMs);
  });

  it('lets single calls pass between batch calls', () => {
    const first = reserveStart(EMPTY_SCHEDULE, plan, true, 10_000);

    expect(reserveStart(first.schedule, plan, false, 10_200).startAtMs).toBe(10_200);
  });
});
