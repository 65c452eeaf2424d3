// What every controller is built from; main.ts makes one set per process and hands it to all.
import type { Clock } from '../../../lib/controller/clock.js';
import type { ControllerClient } from '../../../lib/controller/client.js';
import type { EventRecorder } from '../../../lib/controller/event-recorder.js';
import type { InformerFactory, Logger } from '../../../lib/controller/informer.js';

export interface ControllerDeps {
  client: ControllerClient;
  /** Shared informers; a controller asks for the resources it reads and adds its handlers. */
  informers: InformerFactory;
  /** Records Events; main gives each controller one named after it (e.g. "replicaset-controller"). */
  recorder: EventRecorder;
  clock: Clock;
  log: Logger;
}
