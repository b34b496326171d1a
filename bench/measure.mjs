// Side-by-side timing shared by the bench's scripts.

/**
 * Times each function for about `ms` milliseconds in all, in `rounds` short rounds taken in turn
 * (one round of each, then again), and returns each one's best time per call in µs. Taking turns
 * keeps the comparison fair when the machine's speed drifts during the run; these machines switch
 * between a fast and a slow speed for seconds at a time, and rounds of 10 ms give every function
 * turns at the fast one, where ten rounds of 60 ms could leave one function none.
 */
export function measureSideBySide(fns, { quick = false, ms = quick ? 150 : 600, rounds = 60, warmUp = quick ? 100 : 400 } = {}) {
  // V8 optimises JS, and tiers WebAssembly up function by function, in the background while the
  // code runs: the timed rounds start once every function has run for a while, in turns.
  for (let turn = 0; turn < 5; turn++) {
    for (const fn of fns) for (const start = performance.now(); performance.now() - start < warmUp / 5; ) fn();
  }
  const perRound = fns.map((fn) => {
    let calls = 1;
    for (let start = performance.now(); performance.now() - start < 20; calls *= 2) for (let i = 0; i < calls; i++) fn();
    return Math.max(1, Math.round((calls * ms) / 20 / rounds));
  });
  const best = fns.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, k) => {
      const start = performance.now();
      for (let i = 0; i < perRound[k]; i++) fn();
      best[k] = Math.min(best[k], ((performance.now() - start) * 1000) / perRound[k]);
    });
  }
  return best;
}
