// The Node flags each service runs with, in one place: bin/<service> passes the same ones
// (lib/process/service-node-flags.test.ts keeps them in step), and the test and bench
// launchers under test/support/ use these.
//
// --max-semi-space-size: the API server and the scheduler allocate a short-lived object graph
// per request and per watch event (decoded pods, JSON); with V8's default young generation they
// scavenge often enough that a larger one (32 MiB semi-spaces) gave 5-8% more pods/s through
// the API in alternating runs of bench/sched-bench.ts. The store members showed no gain
// (bench/README.md), so they keep the default.
//
// --initial-old-space-size: a store member's live heap only grows with the data it holds (every
// revision stays in memory until compaction), and with V8's small starting old-generation limit
// it ran a full mark-compact every few seconds while growing through its first hundred MB,
// each one marking everything it holds. Starting the limit at 512 MiB, as Go's GOGC lets
// etcd's heap double before it collects, defers those until the heap is that large: member CPU
// per put 4-17% lower and p99 lower in four of four alternating put-100 pairs (bench/README.md).
export const SERVICE_NODE_FLAGS = {
  store: ['--enable-source-maps', '--initial-old-space-size=512'],
  api: ['--enable-source-maps', '--max-semi-space-size=32'],
  sched: ['--enable-source-maps', '--max-semi-space-size=32'],
} as const satisfies Record<string, readonly string[]>;

export type FlaggedService = keyof typeof SERVICE_NODE_FLAGS;
