// Controller machinery shared by services/sched, the node agent and mesh-control: work queue,
// informers and their caches, event recording, leader election, and the fake client tests use.
export type { Clock, TimerHandle } from './clock.js';
export { FakeClock, realClock } from './clock.js';
export type { ControllerClient } from './client.js';
export type { Controller } from './controller.js';
export { MAX_RETRIES, runWorkers } from './controller.js';
export type { ApiEventRecorderOptions, EventRecorder, EventType } from './event-recorder.js';
export { ApiEventRecorder, FakeRecorder } from './event-recorder.js';
export type { Action, ActionVerb } from './fake-client.js';
export { FakeClient, statusError } from './fake-client.js';
export type { EventHandler, InformerOptions, Logger } from './informer.js';
export { Informer, InformerFactory } from './informer.js';
export type { LeaderCallbacks, LeaderElectionConfig } from './leader-election.js';
export { LeaderElector } from './leader-election.js';
export type { IndexFunc } from './object-cache.js';
export { NAMESPACE_INDEX, ObjectCache } from './object-cache.js';
export type { ResourceName } from './resources.js';
export { Resources, objectKey, resourceId, splitKey } from './resources.js';
export { sleep } from './sleep.js';
export type { RateLimiterOptions, WorkQueueOptions } from './work-queue.js';
export { ExponentialBackoff, WorkQueue } from './work-queue.js';
export { ControllerFixture } from './test-fixture.js';
