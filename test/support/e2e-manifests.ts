// The objects the end-to-end tests apply, as small builders: a busybox httpd Deployment that
// answers "served by <pod name>", the demo backend's Deployment, a Service selecting app=<name>,
// and a client pod pinned to a node. Each test keeps its own names and differences as options;
// manifestsYaml turns the objects into the multi-document YAML `kubectl apply -f -` reads.
import { stringify } from 'yaml';

/** One API object as `kubectl apply` takes it. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number | string;
}

/** The image with busybox (httpd, wget, sh) that every pod of the tests runs unless it runs the demo. */
export const BASE_IMAGE = 'mesh/base:latest';

/** The port the httpd pods listen on. */
export const HTTPD_PORT = 8080;

/** A Deployment of `replicas` pods labelled app=`name`, one container named like the Deployment. */
function deployment(name: string, replicas: number, podSpec: Record<string, unknown>): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec },
    },
  };
}

export interface HttpdDeploymentOptions {
  name: string;
  replicas: number;
  /** Declare containerPort 8080 in the container (the probe and the Service work without it). */
  declarePort?: boolean;
  terminationGracePeriodSeconds?: number;
}

/** busybox httpd on port 8080 serving "served by $(hostname)", Ready once the port accepts connections. */
export function httpdDeployment(o: HttpdDeploymentOptions): Manifest {
  return deployment(o.name, o.replicas, {
    ...(o.terminationGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: o.terminationGracePeriodSeconds }),
    containers: [{
      name: o.name,
      image: BASE_IMAGE,
      imagePullPolicy: 'Never',
      command: ['sh', '-c', `echo "served by $(hostname)" > /tmp/index.html; exec httpd -f -p ${String(HTTPD_PORT)} -h /tmp`],
      ...(o.declarePort === true ? { ports: [{ containerPort: HTTPD_PORT }] } : {}),
      readinessProbe: { tcpSocket: { port: HTTPD_PORT }, periodSeconds: 1 },
    }],
  });
}

export interface DemoBackendDeploymentOptions {
  name: string;
  replicas: number;
  /** mesh/demo-backend:v1 unless given. */
  image?: string;
  /** Pass POD_IP (status.podIP) as well as POD_NAME, so the answers carry the pod's address. */
  podIPEnv?: boolean;
  /** 10 unless given. */
  terminationGracePeriodSeconds?: number;
}

/**
 * The demo backend (images/demo-backend) in a container named `backend`, its port named http
 * (8080), Ready when GET /healthz answers.
 */
export function demoBackendDeployment(o: DemoBackendDeploymentOptions): Manifest {
  const env: Array<{ name: string; valueFrom: { fieldRef: { fieldPath: string } } }> = [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ];
  if (o.podIPEnv === true) env.push({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  return deployment(o.name, o.replicas, {
    terminationGracePeriodSeconds: o.terminationGracePeriodSeconds ?? 10,
    containers: [{
      name: 'backend',
      image: o.image ?? 'mesh/demo-backend:v1',
      imagePullPolicy: 'Never',
      ports: [{ name: 'http', containerPort: 8080 }],
      env,
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
    }],
  });
}

/** A ClusterIP Service `name` selecting the pods labelled app=`name`. */
export function serviceFor(name: string, ports: readonly ServicePort[]): Manifest {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [...ports] } };
}

export interface ClientPodOptions {
  /** The pod's and its container's name. */
  name: string;
  /** spec.nodeName: the pod skips the scheduler and runs on this node. */
  node: string;
  terminationGracePeriodSeconds?: number;
}

/** A pod that sleeps for an hour, for the tests to exec wget and the like in. */
export function clientPod(o: ClientPodOptions): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name },
    spec: {
      nodeName: o.node,
      ...(o.terminationGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: o.terminationGracePeriodSeconds }),
      containers: [{ name: o.name, image: BASE_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
    },
  };
}

/** The objects as one multi-document YAML stream. */
export function manifestsYaml(...manifests: readonly Manifest[]): string {
  return manifests.map((m) => stringify(m)).join('---\n');
}
