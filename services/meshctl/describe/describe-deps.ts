// What a describer gets: the client for related objects and events, the time, the options.
import type { ApiResource, KubeClient } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';

export interface DescribeDeps {
  client: KubeClient;
  now: Date;
  showEvents: boolean;
}

/** Renders one object's description (ending in a newline). */
export type Describer = (deps: DescribeDeps, obj: KubeObject, resource: ApiResource) => Promise<string>;
