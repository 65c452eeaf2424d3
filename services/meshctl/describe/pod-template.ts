// The pod parts of describe output: containers (image, ports, command, state, resources,
// probes, environment, mounts), volumes, and whole pod templates.
import { isRecord } from '../../../lib/api/object.js';
import type { LineWriter } from '../output/prefix-writer.js';
import { rfc1123z } from '../output/human-time.js';
import { printAnnotations, printLabels, printTolerations } from './metadata-lines.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (isRecord(v) ? v : {});
const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** kubectl 1.32 prints ports as port/protocol, without their names. */
function portsText(ports: Rec[], field: 'containerPort' | 'hostPort'): string {
  return ports.map((p) => `${num(p[field])}/${str(p.protocol)}`).join(', ');
}

function describeResources(w: LineWriter, resources: unknown, level: number): void {
  const r = rec(resources);
  for (const [title, list] of [['Limits', rec(r.limits)], ['Requests', rec(r.requests)]] as const) {
    const names = Object.keys(list).sort();
    if (names.length > 0) w.write(level, `${title}:\n`);
    for (const n of names) w.write(level + 1, `${n}:\t${str(list[n])}\n`);
  }
}

/** DescribeProbe. */
function probeText(p: Rec): string {
  const attrs = `delay=${num(p.initialDelaySeconds)}s timeout=${num(p.timeoutSeconds)}s period=${num(p.periodSeconds)}s #success=${num(p.successThreshold)} #failure=${num(p.failureThreshold)}`;
  if (isRecord(p.exec)) return `exec [${(Array.isArray(p.exec.command) ? p.exec.command.map(str) : []).join(' ')}] ${attrs}`;
  if (isRecord(p.httpGet)) {
    const h = p.httpGet;
    const port = str(h.port);
    const hostPart = port !== '' ? `${str(h.host).includes(':') ? `[${str(h.host)}]` : str(h.host)}:${port}` : str(h.host);
    return `http-get ${str(h.scheme).toLowerCase()}://${hostPart}${str(h.path)} ${attrs}`;
  }
  if (isRecord(p.tcpSocket)) return `tcp-socket ${str(p.tcpSocket.host)}:${str(p.tcpSocket.port)} ${attrs}`;
  if (isRecord(p.grpc)) return `grpc <pod>:${num(p.grpc.port)} ${str(p.grpc.service)} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeState(w: LineWriter, title: string, state: Rec): void {
  if (isRecord(state.running)) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (isRecord(state.waiting)) {
    w.write(2, `${title}:\tWaiting\n`);
    if (str(state.waiting.reason) !== '') w.write(3, `Reason:\t${str(state.waiting.reason)}\n`);
  } else if (isRecord(state.terminated)) {
    const t = state.terminated;
    w.write(2, `${title}:\tTerminated\n`);
    if (str(t.reason) !== '') w.write(3, `Reason:\t${str(t.reason)}\n`);
    if (str(t.message) !== '') w.write(3, `Message:\t${str(t.message)}\n`);
    w.write(3, `Exit Code:\t${num(t.exitCode)}\n`);
    if (num(t.signal) > 0) w.write(3, `Signal:\t${num(t.signal)}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else w.write(2, `${title}:\tWaiting\n`);
}

function describeEnv(w: LineWriter, c: Rec): void {
  const envFrom = recs(c.envFrom);
  if (envFrom.length > 0) {
    w.write(2, 'Environment Variables from:\n');
    for (const e of envFrom) {
      const ref = isRecord(e.configMapRef) ? e.configMapRef : isRecord(e.secretRef) ? e.secretRef : {};
      const from = isRecord(e.configMapRef) ? 'ConfigMap' : isRecord(e.secretRef) ? 'Secret' : '';
      const optional = ref.optional === true;
      const prefix = str(e.prefix);
      w.write(3, prefix === '' ? `${str(ref.name)}\t${from}\tOptional: ${optional}\n` : `${str(ref.name)}\t${from} with prefix '${prefix}'\tOptional: ${optional}\n`);
    }
  }
  const env = recs(c.env);
  w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of env) {
    const from = rec(e.valueFrom);
    if (!isRecord(e.valueFrom)) {
      str(e.value)
        .split('\n')
        .forEach((line, i) => w.write(3, i === 0 ? `${str(e.name)}:\t${line}\n` : `\t${line}\n`));
    } else if (isRecord(from.fieldRef)) {
      w.write(3, `${str(e.name)}:\t (${str(from.fieldRef.apiVersion)}:${str(from.fieldRef.fieldPath)})\n`);
    } else if (isRecord(from.resourceFieldRef)) {
      w.write(3, `${str(e.name)}:\t (${str(from.resourceFieldRef.resource)})\n`);
    } else if (isRecord(from.secretKeyRef)) {
      const k = from.secretKeyRef;
      w.write(3, `${str(e.name)}:\t<set to the key '${str(k.key)}' in secret '${str(k.name)}'>\tOptional: ${k.optional === true}\n`);
    } else if (isRecord(from.configMapKeyRef)) {
      const k = from.configMapKeyRef;
      w.write(3, `${str(e.name)}:\t<set to the key '${str(k.key)}' of config map '${str(k.name)}'>\tOptional: ${k.optional === true}\n`);
    }
  }
}

function describeMounts(w: LineWriter, c: Rec): void {
  const mounts = recs(c.volumeMounts).sort((a, b) => (str(a.mountPath) < str(b.mountPath) ? -1 : str(a.mountPath) > str(b.mountPath) ? 1 : 0));
  w.write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
  for (const m of mounts) {
    const flags = [m.readOnly === true ? 'ro' : 'rw'];
    if (str(m.subPath) !== '') flags.push(`path=${JSON.stringify(str(m.subPath))}`);
    w.write(3, `${str(m.mountPath)} from ${str(m.name)} (${flags.join(',')})\n`);
  }
}

/** describeContainers; `statuses` only for pods, `space` "  " inside pod templates. */
export function describeContainers(w: LineWriter, title: string, containers: unknown, statuses: unknown, space: string): void {
  const list = recs(containers);
  const byName = new Map(recs(statuses).map((s) => [str(s.name), s]));
  w.write(0, `${space}${title}:${list.length === 0 ? ' <none>' : ''}\n`);
  for (const c of list) {
    const status = byName.get(str(c.name));
    w.write(1, `${space !== '' ? ' ' : ''}${str(c.name)}:\n`);
    if (status) w.write(2, `Container ID:\t${str(status.containerID)}\n`);
    w.write(2, `Image:\t${str(c.image)}\n`);
    if (status) w.write(2, `Image ID:\t${str(status.imageID)}\n`);
    const ports = recs(c.ports);
    const cp = portsText(ports, 'containerPort');
    w.write(2, cp.includes(',') ? `Ports:\t${cp}\n` : `Port:\t${cp === '' ? '<none>' : cp}\n`);
    const hp = portsText(ports, 'hostPort');
    w.write(2, hp.includes(',') ? `Host Ports:\t${hp}\n` : `Host Port:\t${hp === '' ? '<none>' : hp}\n`);
    for (const [field, label] of [['command', 'Command'], ['args', 'Args']] as const) {
      const items = Array.isArray(c[field]) ? (c[field] as unknown[]).map(str) : [];
      if (items.length === 0) continue;
      w.write(2, `${label}:\n`);
      for (const item of items) for (const line of item.split('\n')) w.write(3, `${line}\n`);
    }
    if (status) {
      describeState(w, 'State', rec(status.state));
      if (isRecord(rec(status.lastState).terminated)) describeState(w, 'Last State', rec(status.lastState));
      w.write(2, `Ready:\t${status.ready === true ? 'True' : 'False'}\n`);
      w.write(2, `Restart Count:\t${num(status.restartCount)}\n`);
    }
    describeResources(w, c.resources, 2);
    for (const [field, label] of [['livenessProbe', 'Liveness'], ['readinessProbe', 'Readiness'], ['startupProbe', 'Startup']] as const) {
      if (isRecord(c[field])) w.write(2, `${label}:\t${probeText(c[field] as Rec)}\n`);
    }
    describeEnv(w, c);
    describeMounts(w, c);
  }
}

function describeVolumeSource(w: LineWriter, v: Rec): void {
  if (isRecord(v.emptyDir)) {
    const limit = str(v.emptyDir.sizeLimit);
    w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${str(v.emptyDir.medium)}\n    SizeLimit:\t${limit === '' || limit === '0' ? '<unset>' : limit}\n`);
  } else if (isRecord(v.hostPath)) {
    w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${str(v.hostPath.path)}\n    HostPathType:\t${str(v.hostPath.type) === '' ? '<none>' : str(v.hostPath.type)}\n`);
  } else if (isRecord(v.configMap)) {
    w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${str(v.configMap.name)}\n    Optional:\t${v.configMap.optional === true}\n`);
  } else if (isRecord(v.secret)) {
    w.write(2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${str(v.secret.secretName)}\n    Optional:\t${v.secret.optional === true}\n`);
  } else if (isRecord(v.persistentVolumeClaim)) {
    w.write(2, `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${str(v.persistentVolumeClaim.claimName)}\n    ReadOnly:\t${v.persistentVolumeClaim.readOnly === true}\n`);
  } else if (isRecord(v.projected)) {
    w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
    for (const s of recs(v.projected.sources)) {
      if (isRecord(s.secret)) w.write(2, `SecretName:\t${str(s.secret.name)}\n    Optional:\t${s.secret.optional === true}\n`);
      else if (isRecord(s.downwardAPI)) w.write(2, 'DownwardAPI:\ttrue\n');
      else if (isRecord(s.configMap)) w.write(2, `ConfigMapName:\t${str(s.configMap.name)}\n    Optional:\t${s.configMap.optional === true}\n`);
      else if (isRecord(s.serviceAccountToken)) w.write(2, `TokenExpirationSeconds:\t${num(s.serviceAccountToken.expirationSeconds)}\n`);
    }
  } else if (isRecord(v.downwardAPI)) {
    w.write(2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
    for (const item of recs(v.downwardAPI.items)) {
      if (isRecord(item.fieldRef)) w.write(3, `${str(item.fieldRef.fieldPath)} -> ${str(item.path)}\n`);
      if (isRecord(item.resourceFieldRef)) w.write(3, `${str(item.resourceFieldRef.resource)} -> ${str(item.path)}\n`);
    }
  } else w.write(1, '<unknown>\n');
}

export function describeVolumes(w: LineWriter, volumes: unknown, space: string): void {
  const list = recs(volumes);
  if (list.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of list) {
    w.write(1, `${space !== '' ? ' ' : ''}${str(v.name)}:\n`);
    describeVolumeSource(w, v);
  }
}

/** DescribePodTemplate. */
export function describePodTemplate(w: LineWriter, template: unknown): void {
  w.write(0, 'Pod Template:\n');
  if (!isRecord(template)) {
    w.write(1, '<unset>');
    return;
  }
  const meta = rec(template.metadata);
  const spec = rec(template.spec);
  printLabels(w, '  Labels', meta.labels);
  if (Object.keys(rec(meta.annotations)).length > 0) printAnnotations(w, '  Annotations', meta.annotations);
  if (str(spec.serviceAccountName) !== '') w.write(1, `Service Account:\t${str(spec.serviceAccountName)}\n`);
  if (recs(spec.initContainers).length > 0) describeContainers(w, 'Init Containers', spec.initContainers, undefined, '  ');
  describeContainers(w, 'Containers', spec.containers, undefined, '  ');
  describeVolumes(w, spec.volumes, '  ');
  if (str(spec.priorityClassName) !== '') w.write(1, `Priority Class Name:\t${str(spec.priorityClassName)}\n`);
  printLabels(w, '  Node-Selectors', spec.nodeSelector);
  printTolerations(w, '  Tolerations', spec.tolerations);
}
