// The Node flags each service runs with, in one place: bin/<service> passes the same ones
// (lib/process/service-node-flags.test.ts keeps them in step), and the test and bench
// launchers under test/support/ use these.
//
// --max-semi-space-size: the API server and the scheduler allocate a short-lived object graph
// per request and per watch event (decoded pods, JSON); with V8's default young generation they
// scavenge often enough that a larger one (32 MiB semi-spaces) gave 5-8% more pods/s through
// the API in alternating runs of bench/sched-bench.ts. The store members showed no gain
// (bench/README.md), so they keep the default.
export const SERVICE_NODE_FLAGS = {
  store: ['--enable-source-maps'],
  api: ['--enable-source-maps', '--max-semi-space-size=32'],
  sched: ['--enable-source-maps', '--max-semi-space-size=32'],
} as const satisfies Record<string, readonly string[]>;

export type FlaggedService = keyof typeof SERVICE_NODE_FLAGS;
