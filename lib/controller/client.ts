// What controllers need from the API: the KubeClient's CRUD and watch. The real KubeClient
// satisfies it, and so does FakeClient, which records every action for sync(key) tests.
import type { KubeClient } from '../api/kube-client/kube-client.js';

export type ControllerClient = Pick<KubeClient, 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'watch'>;
