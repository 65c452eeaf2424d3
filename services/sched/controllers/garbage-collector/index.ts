// The garbage collector: ownerReferences cascade (background, foreground, orphan).
export type { GarbageCollectorOptions } from './garbage-collector.js';
export { DEFAULT_GC_RESOURCES, GarbageCollector } from './garbage-collector.js';
export type { ObjectIdentity } from './graph.js';
export { Finalizer, GraphNode } from './graph.js';
export type { GraphEventType } from './graph-builder.js';
export { GraphBuilder } from './graph-builder.js';
export type { PropagationPolicy, ResourceResolver } from './operations.js';
export { GcOperations, RestMappingError } from './operations.js';
