// core/v1: Pod and its spec/status, Service, Endpoints, Node, Namespace, ServiceAccount, Secret,
// ConfigMap, Event, Binding and the types they share. Patch strategies and merge keys follow the
// patchStrategy/patchMergeKey struct tags of k8s.io/api/core/v1.
import type { Schema } from '../dsl.js';
import {
  bool,
  bytes,
  embeddedNames,
  enumOf,
  gvk,
  int32,
  int64,
  intOrString,
  kind,
  list,
  listKind,
  map,
  microTime,
  obj,
  quantity,
  ref,
  str,
  time,
} from '../dsl.js';
import { META } from './meta-v1.js';

export const CORE = 'io.k8s.api.core.v1.';
const c = (name: string): string => `${CORE}${name}`;
const core = (k: string) => [gvk('', 'v1', k)];

const resourceList = (description: string): Schema => map(quantity(), { description, go: 'v1.ResourceList' });
const byName = { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] } as const;
const conditionsByType = { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] } as const;
const protocol = (description = 'Protocol: "TCP", "UDP" or "SCTP". Defaults to "TCP".'): Schema =>
  enumOf(['SCTP', 'TCP', 'UDP'], description, 'v1.Protocol');

// ---- Containers ----

const probeHandler: Record<string, Schema> = {
  exec: ref(c('ExecAction'), 'Exec specifies a command to execute in the container.'),
  httpGet: ref(c('HTTPGetAction'), 'HTTPGet specifies an HTTP GET request to perform.'),
  tcpSocket: ref(c('TCPSocketAction'), 'TCPSocket specifies a connection to a TCP port.'),
  grpc: ref(c('GRPCAction'), 'GRPC specifies a GRPC HealthCheckRequest.'),
};

const lifecycleHandler: Record<string, Schema> = {
  exec: ref(c('ExecAction'), 'Exec specifies a command to execute in the container.'),
  httpGet: ref(c('HTTPGetAction'), 'HTTPGet specifies an HTTP GET request to perform.'),
  tcpSocket: ref(c('TCPSocketAction'), 'Deprecated. TCPSocket is NOT supported as a LifecycleHandler.'),
  sleep: ref(c('SleepAction'), 'Sleep represents a duration that the container should sleep.'),
};

function containerSchema(description: string): Schema {
  return obj(
    {
      name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name.'),
      image: str('Container image name.'),
      command: list(str(), { description: 'Entrypoint array. Not executed within a shell.', listType: 'atomic' }),
      args: list(str(), { description: 'Arguments to the entrypoint.', listType: 'atomic' }),
      workingDir: str("Container's working directory."),
      ports: list(ref(c('ContainerPort')), {
        description: 'List of ports to expose from the container.',
        strategy: 'merge',
        mergeKey: 'containerPort',
        listType: 'map',
        listMapKeys: ['containerPort', 'protocol'],
      }),
      envFrom: list(ref(c('EnvFromSource')), { description: 'List of sources to populate environment variables in the container.', listType: 'atomic' }),
      env: list(ref(c('EnvVar')), { description: 'List of environment variables to set in the container.', ...byName }),
      resources: ref(c('ResourceRequirements'), 'Compute Resources required by this container.'),
      resizePolicy: list(ref(c('ContainerResizePolicy')), { description: 'Resources resize policy for the container.', listType: 'atomic' }),
      restartPolicy: str('RestartPolicy of an init container; "Always" makes it a sidecar.', 'v1.ContainerRestartPolicy'),
      volumeMounts: list(ref(c('VolumeMount')), {
        description: "Pod volumes to mount into the container's filesystem.",
        strategy: 'merge',
        mergeKey: 'mountPath',
        listType: 'map',
        listMapKeys: ['mountPath'],
      }),
      volumeDevices: list(ref(c('VolumeDevice')), {
        description: 'volumeDevices is the list of block devices to be used by the container.',
        strategy: 'merge',
        mergeKey: 'devicePath',
        listType: 'map',
        listMapKeys: ['devicePath'],
      }),
      livenessProbe: ref(c('Probe'), 'Periodic probe of container liveness. Container will be restarted if the probe fails.'),
      readinessProbe: ref(c('Probe'), 'Periodic probe of container service readiness.'),
      startupProbe: ref(c('Probe'), 'StartupProbe indicates that the Pod has successfully initialized.'),
      lifecycle: ref(c('Lifecycle'), 'Actions that the management system should take in response to container lifecycle events.'),
      terminationMessagePath: str("Path at which the file to which the container's termination message will be written is mounted."),
      terminationMessagePolicy: enumOf(['FallbackToLogsOnError', 'File'], 'Indicate how the termination message should be populated.', 'v1.TerminationMessagePolicy'),
      imagePullPolicy: enumOf(['Always', 'IfNotPresent', 'Never'], 'Image pull policy. One of Always, Never, IfNotPresent.', 'v1.PullPolicy'),
      securityContext: ref(c('SecurityContext'), 'SecurityContext defines the security options the container should be run with.'),
      stdin: bool('Whether this container should allocate a buffer for stdin in the container runtime.'),
      stdinOnce: bool('Whether the container runtime should close the stdin channel after it has been opened by a single attach.'),
      tty: bool("Whether this container should allocate a TTY for itself, also requires 'stdin' to be true."),
    },
    { description, required: ['name'] },
  );
}

const keyToPath = list(ref(c('KeyToPath')), { description: 'Projects individual keys into the volume at given paths.', listType: 'atomic' });

const volumeSource: Record<string, Schema> = {
  hostPath: ref(c('HostPathVolumeSource'), 'hostPath represents a pre-existing file or directory on the host machine.'),
  emptyDir: ref(c('EmptyDirVolumeSource'), "emptyDir represents a temporary directory that shares a pod's lifetime."),
  secret: ref(c('SecretVolumeSource'), 'secret represents a secret that should populate this volume.'),
  configMap: ref(c('ConfigMapVolumeSource'), 'configMap represents a configMap that should populate this volume.'),
  persistentVolumeClaim: ref(c('PersistentVolumeClaimVolumeSource'), 'A reference to a PersistentVolumeClaim in the same namespace.'),
  downwardAPI: ref(c('DownwardAPIVolumeSource'), 'downwardAPI represents downward API about the pod that should populate this volume.'),
  projected: ref(c('ProjectedVolumeSource'), 'projected items for all in one resources secrets, configmaps, and downward API.'),
  nfs: ref(c('NFSVolumeSource'), "nfs represents an NFS mount on the host that shares a pod's lifetime."),
  csi: ref(c('CSIVolumeSource'), 'csi represents ephemeral storage that is handled by certain external CSI drivers.'),
  ephemeral: ref(c('EphemeralVolumeSource'), 'ephemeral represents a volume that is handled by a cluster storage driver.'),
  image: ref(c('ImageVolumeSource'), 'image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet host.'),
};

const podAffinityTermList = (description: string): Schema => list(ref(c('PodAffinityTerm')), { description, listType: 'atomic' });
const weightedPodAffinityTermList = (description: string): Schema => list(ref(c('WeightedPodAffinityTerm')), { description, listType: 'atomic' });

export const CORE_V1_DEFINITIONS: Readonly<Record<string, Schema>> = {
  // ---- Pod ----
  [c('Pod')]: kind(core('Pod'), 'Pod is a collection of containers that can run on a host.', {
    spec: ref(c('PodSpec'), 'Specification of the desired behavior of the pod.'),
    status: ref(c('PodStatus'), 'Most recently observed status of the pod.'),
  }),
  [c('PodList')]: listKind(core('PodList'), c('Pod'), 'PodList is a list of Pods.'),
  [c('PodTemplateSpec')]: obj(
    {
      metadata: ref(`${META}ObjectMeta`, "Standard object's metadata."),
      spec: ref(c('PodSpec'), 'Specification of the desired behavior of the pod.'),
    },
    'PodTemplateSpec describes the data a pod should have when created from a template.',
  ),
  [c('PodSpec')]: obj(
    {
      volumes: list(ref(c('Volume')), {
        description: 'List of volumes that can be mounted by containers belonging to the pod.',
        strategy: 'merge,retainKeys',
        mergeKey: 'name',
        listType: 'map',
        listMapKeys: ['name'],
      }),
      initContainers: list(ref(c('Container')), { description: 'List of initialization containers belonging to the pod.', ...byName }),
      containers: list(ref(c('Container')), { description: 'List of containers belonging to the pod.', ...byName }),
      ephemeralContainers: list(ref(c('EphemeralContainer')), { description: 'List of ephemeral containers run in this pod.', ...byName }),
      restartPolicy: enumOf(['Always', 'Never', 'OnFailure'], 'Restart policy for all containers within the pod. Default to Always.', 'v1.RestartPolicy'),
      terminationGracePeriodSeconds: int64('Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.'),
      activeDeadlineSeconds: int64('Optional duration in seconds the pod may be active on the node relative to StartTime.'),
      dnsPolicy: enumOf(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'], 'Set DNS policy for the pod. Defaults to "ClusterFirst".', 'v1.DNSPolicy'),
      nodeSelector: map(str(), { description: "NodeSelector is a selector which must be true for the pod to fit on a node.", mapType: 'atomic' }),
      serviceAccountName: str('ServiceAccountName is the name of the ServiceAccount to use to run this pod.'),
      serviceAccount: str('DeprecatedServiceAccount is a deprecated alias for ServiceAccountName.'),
      automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether a service account token should be automatically mounted.'),
      nodeName: str('NodeName indicates in which node this pod is scheduled.'),
      hostNetwork: bool('Host networking requested for this pod.'),
      hostPID: bool("Use the host's pid namespace."),
      hostIPC: bool("Use the host's ipc namespace."),
      shareProcessNamespace: bool('Share a single process namespace between all of the containers in a pod.'),
      securityContext: ref(c('PodSecurityContext'), 'SecurityContext holds pod-level security attributes and common container settings.'),
      imagePullSecrets: list(ref(c('LocalObjectReference')), {
        description: 'ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images.',
        ...byName,
      }),
      hostname: str("Specifies the hostname of the Pod. If not specified, the pod's hostname will be set to a system-defined value."),
      subdomain: str('If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>".'),
      affinity: ref(c('Affinity'), "If specified, the pod's scheduling constraints."),
      schedulerName: str('If specified, the pod will be dispatched by specified scheduler.'),
      tolerations: list(ref(c('Toleration')), { description: "If specified, the pod's tolerations.", listType: 'atomic' }),
      hostAliases: list(ref(c('HostAlias')), {
        description: "HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file.",
        strategy: 'merge',
        mergeKey: 'ip',
        listType: 'map',
        listMapKeys: ['ip'],
      }),
      priorityClassName: str("If specified, indicates the pod's priority."),
      priority: int32('The priority value. Various system components use this field to find the priority of the pod.'),
      dnsConfig: ref(c('PodDNSConfig'), 'Specifies the DNS parameters of a pod.'),
      readinessGates: list(ref(c('PodReadinessGate')), { description: 'If specified, all readiness gates will be evaluated for pod readiness.', listType: 'atomic' }),
      runtimeClassName: str('RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group.'),
      enableServiceLinks: bool("EnableServiceLinks indicates whether information about services should be injected into pod's environment variables."),
      preemptionPolicy: enumOf(['Never', 'PreemptLowerPriority'], 'PreemptionPolicy is the Policy for preempting pods with lower priority.', 'v1.PreemptionPolicy'),
      overhead: resourceList('Overhead represents the resource overhead associated with running a pod for a given RuntimeClass.'),
      topologySpreadConstraints: list(ref(c('TopologySpreadConstraint')), {
        description: 'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.',
        strategy: 'merge',
        mergeKey: 'topologyKey',
        listType: 'map',
        listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
      }),
      setHostnameAsFQDN: bool("If true the pod's hostname will be configured as the pod's FQDN."),
      os: ref(c('PodOS'), 'Specifies the OS of the containers in the pod.'),
      hostUsers: bool("Use the host's user namespace."),
      schedulingGates: list(ref(c('PodSchedulingGate')), {
        description: 'SchedulingGates is an opaque list of values that if specified will block scheduling the pod.',
        ...byName,
      }),
      resourceClaims: list(ref(c('PodResourceClaim')), {
        description: 'ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start.',
        strategy: 'merge,retainKeys',
        mergeKey: 'name',
        listType: 'map',
        listMapKeys: ['name'],
      }),
      resources: ref(c('ResourceRequirements'), 'Resources is the total amount of CPU and Memory resources required by all containers in the pod.'),
    },
    { description: 'PodSpec is a description of a pod.', required: ['containers'] },
  ),
  [c('Container')]: containerSchema('A single application container that you want to run within a pod.'),
  [c('EphemeralContainer')]: {
    ...containerSchema('An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging.'),
    properties: {
      ...containerSchema('').properties,
      targetContainerName: str('If set, the name of the container from PodSpec that this ephemeral container targets.'),
    },
  },
  [c('ContainerPort')]: obj(
    {
      name: str('If specified, this must be an IANA_SVC_NAME and unique within the pod.'),
      hostPort: int32('Number of port to expose on the host.'),
      containerPort: int32("Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536."),
      protocol: protocol(),
      hostIP: str('What host IP to bind the external port to.'),
    },
    { description: 'ContainerPort represents a network port in a single container.', required: ['containerPort'] },
  ),
  [c('EnvVar')]: obj(
    {
      name: str('Name of the environment variable. Must be a C_IDENTIFIER.'),
      value: str('Variable references $(VAR_NAME) are expanded using the previously defined environment variables.'),
      valueFrom: ref(c('EnvVarSource'), "Source for the environment variable's value. Cannot be used if value is not empty."),
    },
    { description: 'EnvVar represents an environment variable present in a Container.', required: ['name'] },
  ),
  [c('EnvVarSource')]: obj(
    {
      fieldRef: ref(c('ObjectFieldSelector'), 'Selects a field of the pod: metadata.name, metadata.namespace, status.podIP, ...'),
      resourceFieldRef: ref(c('ResourceFieldSelector'), 'Selects a resource of the container: limits.cpu, requests.memory, ...'),
      configMapKeyRef: ref(c('ConfigMapKeySelector'), 'Selects a key of a ConfigMap.'),
      secretKeyRef: ref(c('SecretKeySelector'), "Selects a key of a secret in the pod's namespace."),
    },
    "EnvVarSource represents a source for the value of an EnvVar.",
  ),
  [c('ObjectFieldSelector')]: obj(
    {
      apiVersion: str('Version of the schema the FieldPath is written in terms of, defaults to "v1".'),
      fieldPath: str('Path of the field to select in the specified API version.'),
    },
    { description: 'ObjectFieldSelector selects an APIVersioned field of an object.', required: ['fieldPath'], mapType: 'atomic' },
  ),
  [c('ResourceFieldSelector')]: obj(
    {
      containerName: str('Container name: required for volumes, optional for env vars.'),
      resource: str('Required: resource to select.'),
      divisor: quantity('Specifies the output format of the exposed resources, defaults to "1".'),
    },
    { description: 'ResourceFieldSelector represents container resources (cpu, memory) and their output format.', required: ['resource'], mapType: 'atomic' },
  ),
  [c('ConfigMapKeySelector')]: obj(
    {
      name: str('Name of the referent.'),
      key: str('The key to select.'),
      optional: bool('Specify whether the ConfigMap or its key must be defined.'),
    },
    { description: 'Selects a key from a ConfigMap.', required: ['key'], mapType: 'atomic' },
  ),
  [c('SecretKeySelector')]: obj(
    {
      name: str('Name of the referent.'),
      key: str('The key of the secret to select from. Must be a valid secret key.'),
      optional: bool('Specify whether the Secret or its key must be defined.'),
    },
    { description: 'SecretKeySelector selects a key of a Secret.', required: ['key'], mapType: 'atomic' },
  ),
  [c('EnvFromSource')]: obj(
    {
      prefix: str('Optional text to prepend to the name of each environment variable. Must be a C_IDENTIFIER.'),
      configMapRef: ref(c('ConfigMapEnvSource'), 'The ConfigMap to select from.'),
      secretRef: ref(c('SecretEnvSource'), 'The Secret to select from.'),
    },
    'EnvFromSource represents the source of a set of ConfigMaps or Secrets.',
  ),
  [c('ConfigMapEnvSource')]: obj(
    { name: str('Name of the referent.'), optional: bool('Specify whether the ConfigMap must be defined.') },
    "ConfigMapEnvSource selects a ConfigMap to populate the environment variables with.",
  ),
  [c('SecretEnvSource')]: obj(
    { name: str('Name of the referent.'), optional: bool('Specify whether the Secret must be defined.') },
    'SecretEnvSource selects a Secret to populate the environment variables with.',
  ),
  [c('ResourceRequirements')]: obj(
    {
      limits: resourceList('Limits describes the maximum amount of compute resources allowed.'),
      requests: resourceList('Requests describes the minimum amount of compute resources required.'),
      claims: list(ref(c('ResourceClaim')), {
        description: 'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.',
        listType: 'map',
        listMapKeys: ['name'],
      }),
    },
    'ResourceRequirements describes the compute resource requirements.',
  ),
  [c('ResourceClaim')]: obj(
    {
      name: str('Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used.'),
      request: str('Request is the name chosen for a request in the referenced claim.'),
    },
    { description: 'ResourceClaim references one entry in PodSpec.ResourceClaims.', required: ['name'] },
  ),
  [c('ContainerResizePolicy')]: obj(
    {
      resourceName: str('Name of the resource to which this resource resize policy applies. Supported values: cpu, memory.'),
      restartPolicy: str('Restart policy to apply when specified resource is resized.'),
    },
    { description: 'ContainerResizePolicy represents resource resize policy for the container.', required: ['resourceName', 'restartPolicy'] },
  ),
  [c('VolumeMount')]: obj(
    {
      name: str('This must match the Name of a Volume.'),
      readOnly: bool('Mounted read-only if true, read-write otherwise (false or unspecified).'),
      recursiveReadOnly: str('RecursiveReadOnly specifies whether read-only mounts should be handled recursively.'),
      mountPath: str("Path within the container at which the volume should be mounted. Must not contain ':'."),
      subPath: str("Path within the volume from which the container's volume should be mounted."),
      mountPropagation: enumOf(['Bidirectional', 'HostToContainer', 'None'], 'mountPropagation determines how mounts are propagated from the host to container and the other way around.', 'v1.MountPropagationMode'),
      subPathExpr: str("Expanded path within the volume from which the container's volume should be mounted."),
    },
    { description: 'VolumeMount describes a mounting of a Volume within a container.', required: ['name', 'mountPath'] },
  ),
  [c('VolumeDevice')]: obj(
    {
      name: str('name must match the name of a persistentVolumeClaim in the pod'),
      devicePath: str('devicePath is the path inside of the container that the device will be mapped to.'),
    },
    { description: 'volumeDevice describes a mapping of a raw block device within a container.', required: ['name', 'devicePath'] },
  ),
  [c('Probe')]: obj(
    {
      ...probeHandler,
      initialDelaySeconds: int32('Number of seconds after the container has started before liveness probes are initiated.'),
      timeoutSeconds: int32('Number of seconds after which the probe times out. Defaults to 1 second.'),
      periodSeconds: int32('How often (in seconds) to perform the probe. Default to 10 seconds.'),
      successThreshold: int32('Minimum consecutive successes for the probe to be considered successful after having failed.'),
      failureThreshold: int32('Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3.'),
      terminationGracePeriodSeconds: int64('Optional duration in seconds the pod needs to terminate gracefully upon probe failure.'),
    },
    {
      description: 'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.',
      embedded: embeddedNames(probeHandler, 'ProbeHandler'),
    },
  ),
  [c('ExecAction')]: obj(
    { command: list(str(), { description: 'Command is the command line to execute inside the container.', listType: 'atomic' }) },
    'ExecAction describes a "run in container" action.',
  ),
  [c('HTTPGetAction')]: obj(
    {
      path: str('Path to access on the HTTP server.'),
      port: intOrString('Name or number of the port to access on the container.'),
      host: str('Host name to connect to, defaults to the pod IP.'),
      scheme: enumOf(['HTTP', 'HTTPS'], 'Scheme to use for connecting to the host. Defaults to HTTP.', 'v1.URIScheme'),
      httpHeaders: list(ref(c('HTTPHeader')), { description: 'Custom headers to set in the request. HTTP allows repeated headers.', listType: 'atomic' }),
    },
    { description: 'HTTPGetAction describes an action based on HTTP Get requests.', required: ['port'] },
  ),
  [c('HTTPHeader')]: obj(
    { name: str('The header field name.'), value: str('The header field value') },
    { description: 'HTTPHeader describes a custom header to be used in HTTP probes', required: ['name', 'value'] },
  ),
  [c('TCPSocketAction')]: obj(
    {
      port: intOrString('Number or name of the port to access on the container.'),
      host: str('Optional: Host name to connect to, defaults to the pod IP.'),
    },
    { description: 'TCPSocketAction describes an action based on opening a socket', required: ['port'] },
  ),
  [c('GRPCAction')]: obj(
    {
      port: int32('Port number of the gRPC service. Number must be in the range 1 to 65535.'),
      service: str('Service is the name of the service to place in the gRPC HealthCheckRequest.'),
    },
    { description: 'GRPCAction specifies an action involving a GRPC service.', required: ['port'] },
  ),
  [c('SleepAction')]: obj(
    { seconds: int64('Seconds is the number of seconds to sleep.') },
    { description: 'SleepAction describes a "sleep" action.', required: ['seconds'] },
  ),
  [c('Lifecycle')]: obj(
    {
      postStart: ref(c('LifecycleHandler'), 'PostStart is called immediately after a container is created.'),
      preStop: ref(c('LifecycleHandler'), 'PreStop is called immediately before a container is terminated.'),
      stopSignal: str('StopSignal defines which signal will be sent to a container when it is being stopped.'),
    },
    'Lifecycle describes actions that the management system should take in response to container lifecycle events.',
  ),
  [c('LifecycleHandler')]: obj(lifecycleHandler, 'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.'),
  [c('SecurityContext')]: obj(
    {
      capabilities: ref(c('Capabilities'), 'The capabilities to add/drop when running containers.'),
      privileged: bool('Run container in privileged mode.'),
      seLinuxOptions: ref(c('SELinuxOptions'), 'The SELinux context to be applied to the container.'),
      windowsOptions: ref(c('WindowsSecurityContextOptions'), 'The Windows specific settings applied to all containers.'),
      runAsUser: int64('The UID to run the entrypoint of the container process.'),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
      readOnlyRootFilesystem: bool('Whether this container has a read-only root filesystem.'),
      allowPrivilegeEscalation: bool('AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process.'),
      procMount: str('procMount denotes the type of proc mount to use for the containers.'),
      seccompProfile: ref(c('SeccompProfile'), 'The seccomp options to use by this container.'),
      appArmorProfile: ref(c('AppArmorProfile'), 'appArmorProfile is the AppArmor options to use by this container.'),
    },
    'SecurityContext holds security configuration that will be applied to a container.',
  ),
  [c('PodSecurityContext')]: obj(
    {
      seLinuxOptions: ref(c('SELinuxOptions'), 'The SELinux context to be applied to all containers.'),
      windowsOptions: ref(c('WindowsSecurityContextOptions'), 'The Windows specific settings applied to all containers.'),
      runAsUser: int64('The UID to run the entrypoint of the container process.'),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
      supplementalGroups: list(int64(), { description: 'A list of groups applied to the first process run in each container.', listType: 'atomic' }),
      supplementalGroupsPolicy: str('Defines how supplemental groups of the first container processes are calculated.'),
      fsGroup: int64('A special supplemental group that applies to all containers in a pod.'),
      sysctls: list(ref(c('Sysctl')), { description: 'Sysctls hold a list of namespaced sysctls used for the pod.', listType: 'atomic' }),
      fsGroupChangePolicy: str('fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod.'),
      seccompProfile: ref(c('SeccompProfile'), 'The seccomp options to use by the containers in this pod.'),
      appArmorProfile: ref(c('AppArmorProfile'), 'appArmorProfile is the AppArmor options to use by the containers in this pod.'),
      seLinuxChangePolicy: str('seLinuxChangePolicy defines how the container\'s SELinux label is applied to all volumes used by the Pod.'),
    },
    'PodSecurityContext holds pod-level security attributes and common container settings.',
  ),
  [c('Capabilities')]: obj(
    {
      add: list(str(), { description: 'Added capabilities', listType: 'atomic' }),
      drop: list(str(), { description: 'Removed capabilities', listType: 'atomic' }),
    },
    'Adds and removes POSIX capabilities from running containers.',
  ),
  [c('SELinuxOptions')]: obj(
    {
      user: str('User is a SELinux user label that applies to the container.'),
      role: str('Role is a SELinux role label that applies to the container.'),
      type: str('Type is a SELinux type label that applies to the container.'),
      level: str('Level is SELinux level label that applies to the container.'),
    },
    'SELinuxOptions are the labels to be applied to the container',
  ),
  [c('WindowsSecurityContextOptions')]: obj(
    {
      gmsaCredentialSpec: str('GMSACredentialSpec is where the GMSA admission webhook inlines the contents of the GMSA credential spec.'),
      gmsaCredentialSpecName: str('GMSACredentialSpecName is the name of the GMSA credential spec to use.'),
      runAsUserName: str('The UserName in Windows to run the entrypoint of the container process.'),
      hostProcess: bool('HostProcess determines if a container should be run as a \'Host Process\' container.'),
    },
    'WindowsSecurityContextOptions contain Windows-specific options and credentials.',
  ),
  [c('SeccompProfile')]: obj(
    {
      type: enumOf(['Localhost', 'RuntimeDefault', 'Unconfined'], 'type indicates which kind of seccomp profile will be applied.', 'v1.SeccompProfileType'),
      localhostProfile: str("localhostProfile indicates a profile defined in a file on the node should be used."),
    },
    { description: "SeccompProfile defines a pod/container's seccomp profile settings.", required: ['type'] },
  ),
  [c('AppArmorProfile')]: obj(
    {
      type: enumOf(['Localhost', 'RuntimeDefault', 'Unconfined'], 'type indicates which kind of AppArmor profile will be applied.', 'v1.AppArmorProfileType'),
      localhostProfile: str('localhostProfile indicates a profile loaded on the node that should be used.'),
    },
    { description: "AppArmorProfile defines a pod or container's AppArmor settings.", required: ['type'] },
  ),
  [c('Sysctl')]: obj(
    { name: str('Name of a property to set'), value: str('Value of a property to set') },
    { description: 'Sysctl defines a kernel parameter to be set', required: ['name', 'value'] },
  ),

  // ---- Volumes ----
  [c('Volume')]: obj(
    { name: str("name of the volume. Must be a DNS_LABEL and unique within the pod."), ...volumeSource },
    {
      description: 'Volume represents a named volume in a pod that may be accessed by any container in the pod.',
      required: ['name'],
      embedded: embeddedNames(volumeSource, 'VolumeSource'),
    },
  ),
  [c('HostPathVolumeSource')]: obj(
    {
      path: str('path of the directory on the host.'),
      type: enumOf(['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'], 'type for HostPath Volume. Defaults to ""', 'v1.HostPathType'),
    },
    { description: 'Represents a host path mapped into a pod.', required: ['path'] },
  ),
  [c('EmptyDirVolumeSource')]: obj(
    {
      medium: str('medium represents what type of storage medium should back this directory: "" or "Memory".', 'v1.StorageMedium'),
      sizeLimit: quantity('sizeLimit is the total amount of local storage required for this EmptyDir volume.'),
    },
    'Represents an empty directory for a pod.',
  ),
  [c('SecretVolumeSource')]: obj(
    {
      secretName: str("secretName is the name of the secret in the pod's namespace to use."),
      items: keyToPath,
      defaultMode: int32('defaultMode is Optional: mode bits used to set permissions on created files by default.'),
      optional: bool('optional field specify whether the Secret or its keys must be defined'),
    },
    'Adapts a Secret into a volume.',
  ),
  [c('ConfigMapVolumeSource')]: obj(
    {
      name: str('Name of the referent.'),
      items: keyToPath,
      defaultMode: int32('defaultMode is optional: mode bits used to set permissions on created files by default.'),
      optional: bool('optional specify whether the ConfigMap or its keys must be defined'),
    },
    'Adapts a ConfigMap into a volume.',
  ),
  [c('KeyToPath')]: obj(
    {
      key: str('key is the key to project.'),
      path: str('path is the relative path of the file to map the key to.'),
      mode: int32('mode is Optional: mode bits used to set permissions on this file.'),
    },
    { description: 'Maps a string key to a path within a volume.', required: ['key', 'path'] },
  ),
  [c('PersistentVolumeClaimVolumeSource')]: obj(
    {
      claimName: str('claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume.'),
      readOnly: bool('readOnly Will force the ReadOnly setting in VolumeMounts. Default false.'),
    },
    { description: "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace.", required: ['claimName'] },
  ),
  [c('DownwardAPIVolumeSource')]: obj(
    {
      items: list(ref(c('DownwardAPIVolumeFile')), { description: 'Items is a list of downward API volume file', listType: 'atomic' }),
      defaultMode: int32('Optional: mode bits to use on created files by default.'),
    },
    'DownwardAPIVolumeSource represents a volume containing downward API info.',
  ),
  [c('DownwardAPIVolumeFile')]: obj(
    {
      path: str("Required: Path is the relative path name of the file to be created."),
      fieldRef: ref(c('ObjectFieldSelector'), 'Required: Selects a field of the pod.'),
      resourceFieldRef: ref(c('ResourceFieldSelector'), 'Selects a resource of the container.'),
      mode: int32('Optional: mode bits used to set permissions on this file.'),
    },
    { description: 'DownwardAPIVolumeFile represents information to create the file containing the pod field', required: ['path'] },
  ),
  [c('ProjectedVolumeSource')]: obj(
    {
      sources: list(ref(c('VolumeProjection')), { description: 'sources is the list of volume projections.', listType: 'atomic' }),
      defaultMode: int32('defaultMode are the mode bits used to set permissions on created files by default.'),
    },
    'Represents a projected volume source',
  ),
  [c('VolumeProjection')]: obj(
    {
      secret: ref(c('SecretProjection'), 'secret information about the secret data to project'),
      downwardAPI: ref(c('DownwardAPIProjection'), 'downwardAPI information about the downwardAPI data to project'),
      configMap: ref(c('ConfigMapProjection'), 'configMap information about the configMap data to project'),
      serviceAccountToken: ref(c('ServiceAccountTokenProjection'), 'serviceAccountToken is information about the serviceAccountToken data to project'),
      clusterTrustBundle: ref(c('ClusterTrustBundleProjection'), 'ClusterTrustBundle allows a pod to access the .spec.trustBundle field of ClusterTrustBundle objects.'),
    },
    'Projection that may be projected along with other supported volume types.',
  ),
  [c('SecretProjection')]: obj(
    { name: str('Name of the referent.'), items: keyToPath, optional: bool('optional field specify whether the Secret or its key must be defined') },
    'Adapts a secret into a projected volume.',
  ),
  [c('ConfigMapProjection')]: obj(
    { name: str('Name of the referent.'), items: keyToPath, optional: bool('optional specify whether the ConfigMap or its keys must be defined') },
    'Adapts a ConfigMap into a projected volume.',
  ),
  [c('DownwardAPIProjection')]: obj(
    { items: list(ref(c('DownwardAPIVolumeFile')), { description: 'Items is a list of DownwardAPIVolume file', listType: 'atomic' }) },
    'Represents downward API info for projecting into a projected volume.',
  ),
  [c('ServiceAccountTokenProjection')]: obj(
    {
      audience: str('audience is the intended audience of the token.'),
      expirationSeconds: int64('expirationSeconds is the requested duration of validity of the service account token.'),
      path: str('path is the path relative to the mount point of the file to project the token into.'),
    },
    { description: 'ServiceAccountTokenProjection represents a projected service account token volume.', required: ['path'] },
  ),
  [c('ClusterTrustBundleProjection')]: obj(
    {
      name: str('Select a single ClusterTrustBundle by object name.'),
      signerName: str('Select all ClusterTrustBundles that match this signer name.'),
      labelSelector: ref(`${META}LabelSelector`, 'Select all ClusterTrustBundles that match this label selector.'),
      optional: bool("If true, don't block pod startup if the referenced ClusterTrustBundle(s) aren't available."),
      path: str('Relative path from the volume root to write the bundle.'),
    },
    { description: 'ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.', required: ['path'] },
  ),
  [c('NFSVolumeSource')]: obj(
    {
      server: str('server is the hostname or IP address of the NFS server.'),
      path: str('path that is exported by the NFS server.'),
      readOnly: bool('readOnly here will force the NFS export to be mounted with read-only permissions.'),
    },
    { description: 'Represents an NFS mount that lasts the lifetime of a pod.', required: ['server', 'path'] },
  ),
  [c('CSIVolumeSource')]: obj(
    {
      driver: str('driver is the name of the CSI driver that handles this volume.'),
      readOnly: bool('readOnly specifies a read-only configuration for the volume.'),
      fsType: str('fsType to mount. Ex. "ext4", "xfs", "ntfs".'),
      volumeAttributes: map(str(), 'volumeAttributes stores driver-specific properties that are passed to the CSI driver.'),
      nodePublishSecretRef: ref(c('LocalObjectReference'), 'nodePublishSecretRef is a reference to the secret object containing sensitive information.'),
    },
    { description: 'Represents a source location of a volume to mount, managed by an external CSI driver', required: ['driver'] },
  ),
  [c('EphemeralVolumeSource')]: obj(
    { volumeClaimTemplate: ref(c('PersistentVolumeClaimTemplate'), 'Will be used to create a stand-alone PVC to provision the volume.') },
    'Represents an ephemeral volume that is handled by a normal storage driver.',
  ),
  [c('PersistentVolumeClaimTemplate')]: obj(
    {
      metadata: ref(`${META}ObjectMeta`, 'May contain labels and annotations that will be copied into the PVC when creating it.'),
      spec: ref(c('PersistentVolumeClaimSpec'), 'The specification for the PersistentVolumeClaim.'),
    },
    { description: 'PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource.', required: ['spec'] },
  ),
  [c('PersistentVolumeClaimSpec')]: obj(
    {
      accessModes: list(str(), { description: 'accessModes contains the desired access modes the volume should have.', listType: 'atomic' }),
      selector: ref(`${META}LabelSelector`, 'selector is a label query over volumes to consider for binding.'),
      resources: ref(c('VolumeResourceRequirements'), 'resources represents the minimum resources the volume should have.'),
      volumeName: str('volumeName is the binding reference to the PersistentVolume backing this claim.'),
      storageClassName: str('storageClassName is the name of the StorageClass required by the claim.'),
      volumeMode: str('volumeMode defines what type of volume is required by the claim.'),
      volumeAttributesClassName: str('volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
    },
    'PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes',
  ),
  [c('VolumeResourceRequirements')]: obj(
    {
      limits: resourceList('Limits describes the maximum amount of compute resources allowed.'),
      requests: resourceList('Requests describes the minimum amount of compute resources required.'),
    },
    'VolumeResourceRequirements describes the storage resource requirements for a volume.',
  ),
  [c('ImageVolumeSource')]: obj(
    {
      reference: str('Required: Image or artifact reference to be used.'),
      pullPolicy: enumOf(['Always', 'IfNotPresent', 'Never'], 'Policy for pulling OCI objects.', 'v1.PullPolicy'),
    },
    'ImageVolumeSource represents a image volume resource.',
  ),

  // ---- Scheduling ----
  [c('Affinity')]: obj(
    {
      nodeAffinity: ref(c('NodeAffinity'), 'Describes node affinity scheduling rules for the pod.'),
      podAffinity: ref(c('PodAffinity'), 'Describes pod affinity scheduling rules.'),
      podAntiAffinity: ref(c('PodAntiAffinity'), 'Describes pod anti-affinity scheduling rules.'),
    },
    'Affinity is a group of affinity scheduling rules.',
  ),
  [c('NodeAffinity')]: obj(
    {
      requiredDuringSchedulingIgnoredDuringExecution: ref(c('NodeSelector'), 'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.'),
      preferredDuringSchedulingIgnoredDuringExecution: list(ref(c('PreferredSchedulingTerm')), {
        description: 'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field.',
        listType: 'atomic',
      }),
    },
    'Node affinity is a group of node affinity scheduling rules.',
  ),
  [c('NodeSelector')]: obj(
    { nodeSelectorTerms: list(ref(c('NodeSelectorTerm')), { description: 'Required. A list of node selector terms. The terms are ORed.', listType: 'atomic' }) },
    { description: 'A node selector represents the union of the results of one or more label queries over a set of nodes.', required: ['nodeSelectorTerms'], mapType: 'atomic' },
  ),
  [c('NodeSelectorTerm')]: obj(
    {
      matchExpressions: list(ref(c('NodeSelectorRequirement')), { description: "A list of node selector requirements by node's labels.", listType: 'atomic' }),
      matchFields: list(ref(c('NodeSelectorRequirement')), { description: "A list of node selector requirements by node's fields.", listType: 'atomic' }),
    },
    { description: 'A null or empty node selector term matches no objects.', mapType: 'atomic' },
  ),
  [c('NodeSelectorRequirement')]: obj(
    {
      key: str('The label key that the selector applies to.'),
      operator: enumOf(['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'], "Represents a key's relationship to a set of values.", 'v1.NodeSelectorOperator'),
      values: list(str(), { description: 'An array of string values.', listType: 'atomic' }),
    },
    { description: 'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.', required: ['key', 'operator'] },
  ),
  [c('PreferredSchedulingTerm')]: obj(
    {
      weight: int32('Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.'),
      preference: ref(c('NodeSelectorTerm'), 'A node selector term, associated with the corresponding weight.'),
    },
    { description: 'An empty preferred scheduling term matches all objects with implicit weight 0.', required: ['weight', 'preference'] },
  ),
  [c('PodAffinity')]: obj(
    {
      requiredDuringSchedulingIgnoredDuringExecution: podAffinityTermList('Pods that must be co-located for the pod to be scheduled onto a node.'),
      preferredDuringSchedulingIgnoredDuringExecution: weightedPodAffinityTermList('The scheduler will prefer to schedule pods to nodes that satisfy these affinity expressions.'),
    },
    'Pod affinity is a group of inter pod affinity scheduling rules.',
  ),
  [c('PodAntiAffinity')]: obj(
    {
      requiredDuringSchedulingIgnoredDuringExecution: podAffinityTermList('Pods that must not be co-located for the pod to be scheduled onto a node.'),
      preferredDuringSchedulingIgnoredDuringExecution: weightedPodAffinityTermList('The scheduler will prefer to schedule pods to nodes that satisfy these anti-affinity expressions.'),
    },
    'Pod anti affinity is a group of inter pod anti affinity scheduling rules.',
  ),
  [c('PodAffinityTerm')]: obj(
    {
      labelSelector: ref(`${META}LabelSelector`, 'A label query over a set of resources, in this case pods.'),
      namespaces: list(str(), { description: 'namespaces specifies a static list of namespace names that the term applies to.', listType: 'atomic' }),
      topologyKey: str('This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces.'),
      namespaceSelector: ref(`${META}LabelSelector`, "A label query over the set of namespaces that the term applies to."),
      matchLabelKeys: list(str(), { description: 'MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.', listType: 'atomic' }),
      mismatchLabelKeys: list(str(), { description: 'MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.', listType: 'atomic' }),
    },
    { description: 'Defines a set of pods that this pod should be co-located (affinity) or not co-located (anti-affinity) with.', required: ['topologyKey'] },
  ),
  [c('WeightedPodAffinityTerm')]: obj(
    {
      weight: int32('weight associated with matching the corresponding podAffinityTerm, in the range 1-100.'),
      podAffinityTerm: ref(c('PodAffinityTerm'), 'Required. A pod affinity term, associated with the corresponding weight.'),
    },
    { description: 'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)', required: ['weight', 'podAffinityTerm'] },
  ),
  [c('Toleration')]: obj(
    {
      key: str('Key is the taint key that the toleration applies to. Empty means match all taint keys.'),
      operator: enumOf(['Equal', 'Exists'], "Operator represents a key's relationship to the value. Defaults to Equal.", 'v1.TolerationOperator'),
      value: str('Value is the taint value the toleration matches to.'),
      effect: enumOf(['NoExecute', 'NoSchedule', 'PreferNoSchedule'], 'Effect indicates the taint effect to match. Empty means match all taint effects.', 'v1.TaintEffect'),
      tolerationSeconds: int64('TolerationSeconds represents the period of time the toleration tolerates the taint (NoExecute only).'),
    },
    'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.',
  ),
  [c('TopologySpreadConstraint')]: obj(
    {
      maxSkew: int32('MaxSkew describes the degree to which pods may be unevenly distributed.'),
      topologyKey: str('TopologyKey is the key of node labels.'),
      whenUnsatisfiable: enumOf(['DoNotSchedule', 'ScheduleAnyway'], "WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint.", 'v1.UnsatisfiableConstraintAction'),
      labelSelector: ref(`${META}LabelSelector`, 'LabelSelector is used to find matching pods.'),
      minDomains: int32('MinDomains indicates a minimum number of eligible domains.'),
      nodeAffinityPolicy: str("NodeAffinityPolicy indicates how we will treat Pod's nodeAffinity/nodeSelector when calculating pod topology spread skew."),
      nodeTaintsPolicy: str('NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew.'),
      matchLabelKeys: list(str(), { description: 'MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated.', listType: 'atomic' }),
    },
    { description: 'TopologySpreadConstraint specifies how to spread matching pods among the given topology.', required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
  ),
  [c('HostAlias')]: obj(
    {
      ip: str('IP address of the host file entry.'),
      hostnames: list(str(), { description: 'Hostnames for the above IP address.', listType: 'atomic' }),
    },
    { description: "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.", required: ['ip'] },
  ),
  [c('PodDNSConfig')]: obj(
    {
      nameservers: list(str(), { description: 'A list of DNS name server IP addresses.', listType: 'atomic' }),
      searches: list(str(), { description: 'A list of DNS search domains for host-name lookup.', listType: 'atomic' }),
      options: list(ref(c('PodDNSConfigOption')), { description: 'A list of DNS resolver options.', listType: 'atomic' }),
    },
    'PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.',
  ),
  [c('PodDNSConfigOption')]: obj({ name: str('Name is this DNS resolver option\'s name.'), value: str("Value is this DNS resolver option's value.") }, 'PodDNSConfigOption defines DNS resolver options of a pod.'),
  [c('PodReadinessGate')]: obj(
    { conditionType: str("ConditionType refers to a condition in the pod's condition list with matching type.", 'v1.PodConditionType') },
    { description: 'PodReadinessGate contains the reference to a pod condition', required: ['conditionType'] },
  ),
  [c('PodOS')]: obj({ name: str('Name is the name of the operating system: linux or windows.', 'v1.OSName') }, { description: 'PodOS defines the OS parameters of a pod.', required: ['name'] }),
  [c('PodSchedulingGate')]: obj({ name: str('Name of the scheduling gate.') }, { description: 'PodSchedulingGate is associated to a Pod to guard its scheduling.', required: ['name'] }),
  [c('PodResourceClaim')]: obj(
    {
      name: str('Name uniquely identifies this resource claim inside the pod.'),
      resourceClaimName: str('ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod.'),
      resourceClaimTemplateName: str('ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod.'),
    },
    { description: 'PodResourceClaim references exactly one ResourceClaim.', required: ['name'] },
  ),
  [c('LocalObjectReference')]: obj(
    { name: str('Name of the referent.') },
    { description: 'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.', mapType: 'atomic' },
  ),
  [c('ObjectReference')]: obj(
    {
      kind: str('Kind of the referent.'),
      namespace: str('Namespace of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
      apiVersion: str('API version of the referent.'),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
      fieldPath: str('If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
    },
    { description: 'ObjectReference contains enough information to let you inspect or modify the referred object.', mapType: 'atomic' },
  ),

  // ---- Pod status ----
  [c('PodStatus')]: obj(
    {
      observedGeneration: int64('If set, this represents the .metadata.generation that the pod status was set based upon.'),
      phase: enumOf(['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'], 'The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle.', 'v1.PodPhase'),
      conditions: list(ref(c('PodCondition')), { description: 'Current service state of pod.', ...conditionsByType }),
      message: str('A human readable message indicating details about why the pod is in this condition.'),
      reason: str("A brief CamelCase message indicating details about why the pod is in this state, e.g. 'Evicted'."),
      nominatedNodeName: str('nominatedNodeName is set only when this pod preempts other pods on the node.'),
      hostIP: str('hostIP holds the IP address of the host to which the pod is assigned.'),
      hostIPs: list(ref(c('HostIP')), { description: 'hostIPs holds the IP addresses allocated to the host.', strategy: 'merge', mergeKey: 'ip', listType: 'atomic' }),
      podIP: str('podIP address allocated to the pod. Routable at least within the cluster.'),
      podIPs: list(ref(c('PodIP')), { description: 'podIPs holds the IP addresses allocated to the pod.', strategy: 'merge', mergeKey: 'ip', listType: 'map', listMapKeys: ['ip'] }),
      startTime: time('RFC 3339 date and time at which the object was acknowledged by the Kubelet.'),
      initContainerStatuses: list(ref(c('ContainerStatus')), { description: 'Statuses of init containers in this pod.', listType: 'atomic' }),
      containerStatuses: list(ref(c('ContainerStatus')), { description: 'Statuses of containers in this pod.', listType: 'atomic' }),
      qosClass: enumOf(['BestEffort', 'Burstable', 'Guaranteed'], 'The Quality of Service (QOS) classification assigned to the pod based on resource requirements.', 'v1.PodQOSClass'),
      ephemeralContainerStatuses: list(ref(c('ContainerStatus')), { description: 'Statuses for any ephemeral containers that have run in this pod.', listType: 'atomic' }),
      resize: str('Status of resources resize desired for pod\'s containers.'),
      resourceClaimStatuses: list(ref(c('PodResourceClaimStatus')), { description: 'Status of resource claims.', ...byName }),
    },
    'PodStatus represents information about the status of a pod.',
  ),
  [c('PodCondition')]: obj(
    {
      type: str("Type is the type of the condition.", 'v1.PodConditionType'),
      observedGeneration: int64('If set, this represents the .metadata.generation that the pod condition was set based upon.'),
      status: enumOf(['False', 'True', 'Unknown'], 'Status is the status of the condition. Can be True, False, Unknown.', 'v1.ConditionStatus'),
      lastProbeTime: time('Last time we probed the condition.'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      message: str('Human-readable message indicating details about last transition.'),
    },
    { description: 'PodCondition contains details for the current condition of this pod.', required: ['type', 'status'] },
  ),
  [c('PodIP')]: obj({ ip: str('IP is the IP address assigned to the pod') }, { description: 'PodIP represents a single IP address allocated to the pod.', required: ['ip'] }),
  [c('HostIP')]: obj({ ip: str('IP is the IP address assigned to the host') }, { description: 'HostIP represents a single IP address allocated to the host.', required: ['ip'] }),
  [c('PodResourceClaimStatus')]: obj(
    { name: str('Name uniquely identifies this resource claim inside the pod.'), resourceClaimName: str('ResourceClaimName is the name of the ResourceClaim that was generated for the Pod.') },
    { description: 'PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate.', required: ['name'] },
  ),
  [c('ContainerStatus')]: obj(
    {
      name: str('Name is a DNS_LABEL representing the unique name of the container.'),
      state: ref(c('ContainerState'), "State holds details about the container's current condition."),
      lastState: ref(c('ContainerState'), "LastTerminationState holds the last termination state of the container."),
      ready: bool('Ready specifies whether the container is currently passing its readiness check.'),
      restartCount: int32('RestartCount holds the number of times the container has been restarted.'),
      image: str('Image is the name of container image that the container is running.'),
      imageID: str("ImageID is the image ID of the container's image."),
      containerID: str("ContainerID is the ID of the container in the format '<type>://<container_id>'."),
      started: bool('Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe.'),
      allocatedResources: resourceList('AllocatedResources represents the compute resources allocated for this container by the node.'),
      resources: ref(c('ResourceRequirements'), 'Resources represents the compute resource requests and limits that have been successfully enacted on the running container.'),
      volumeMounts: list(ref(c('VolumeMountStatus')), {
        description: 'Status of volume mounts.',
        strategy: 'merge',
        mergeKey: 'mountPath',
        listType: 'map',
        listMapKeys: ['mountPath'],
      }),
      stopSignal: str('StopSignal reports the effective stop signal for this container.'),
    },
    { description: 'ContainerStatus contains details for the current status of this container.', required: ['name', 'ready', 'restartCount', 'image', 'imageID'] },
  ),
  [c('VolumeMountStatus')]: obj(
    {
      name: str('Name corresponds to the name of the original VolumeMount.'),
      mountPath: str('MountPath corresponds to the original VolumeMount.'),
      readOnly: bool('ReadOnly corresponds to the original VolumeMount.'),
      recursiveReadOnly: str('RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts).'),
    },
    { description: 'VolumeMountStatus shows status of volume mounts.', required: ['name', 'mountPath'] },
  ),
  [c('ContainerState')]: obj(
    {
      waiting: ref(c('ContainerStateWaiting'), 'Details about a waiting container'),
      running: ref(c('ContainerStateRunning'), 'Details about a running container'),
      terminated: ref(c('ContainerStateTerminated'), 'Details about a terminated container'),
    },
    'ContainerState holds a possible state of container. Only one of its members may be specified.',
  ),
  [c('ContainerStateWaiting')]: obj(
    { reason: str('(brief) reason the container is not yet running.'), message: str('Message regarding why the container is not yet running.') },
    'ContainerStateWaiting is a waiting state of a container.',
  ),
  [c('ContainerStateRunning')]: obj({ startedAt: time('Time at which the container was last (re-)started') }, 'ContainerStateRunning is a running state of a container.'),
  [c('ContainerStateTerminated')]: obj(
    {
      exitCode: int32('Exit status from the last termination of the container'),
      signal: int32('Signal from the last termination of the container'),
      reason: str('(brief) reason from the last termination of the container'),
      message: str('Message regarding the last termination of the container'),
      startedAt: time('Time at which previous execution of the container started'),
      finishedAt: time('Time at which the container last terminated'),
      containerID: str("Container's ID in the format '<type>://<container_id>'"),
    },
    { description: 'ContainerStateTerminated is a terminated state of a container.', required: ['exitCode'] },
  ),

  // ---- Service ----
  [c('Service')]: kind(core('Service'), 'Service is a named abstraction of software service (for example, mysql) consisting of local port that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.', {
    spec: ref(c('ServiceSpec'), 'Spec defines the behavior of a service.'),
    status: ref(c('ServiceStatus'), 'Most recently observed status of the service.'),
  }),
  [c('ServiceList')]: listKind(core('ServiceList'), c('Service'), 'ServiceList holds a list of services.'),
  [c('ServiceSpec')]: obj(
    {
      ports: list(ref(c('ServicePort')), {
        description: 'The list of ports that are exposed by this service.',
        strategy: 'merge',
        mergeKey: 'port',
        listType: 'map',
        listMapKeys: ['port', 'protocol'],
      }),
      selector: map(str(), { description: 'Route service traffic to pods with label keys and values matching this selector.', mapType: 'atomic' }),
      clusterIP: str('clusterIP is the IP address of the service and is usually assigned randomly.'),
      clusterIPs: list(str(), { description: 'ClusterIPs is a list of IP addresses assigned to this service.', listType: 'atomic' }),
      type: enumOf(['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'], 'type determines how the Service is exposed. Defaults to ClusterIP.', 'v1.ServiceType'),
      externalIPs: list(str(), { description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.', listType: 'atomic' }),
      sessionAffinity: enumOf(['ClientIP', 'None'], 'Supports "ClientIP" and "None". Used to maintain session affinity.', 'v1.ServiceAffinity'),
      loadBalancerIP: str('Only applies to Service Type: LoadBalancer. Deprecated.'),
      loadBalancerSourceRanges: list(str(), { description: 'If specified and supported by the platform, traffic through the load-balancer will be restricted to the specified client IPs.', listType: 'atomic' }),
      externalName: str('externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record).'),
      externalTrafficPolicy: enumOf(['Cluster', 'Local'], 'externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service\'s "externally-facing" addresses.', 'v1.ServiceExternalTrafficPolicy'),
      healthCheckNodePort: int32('healthCheckNodePort specifies the healthcheck nodePort for the service.'),
      publishNotReadyAddresses: bool('publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready.'),
      sessionAffinityConfig: ref(c('SessionAffinityConfig'), 'sessionAffinityConfig contains the configurations of session affinity.'),
      ipFamilies: list(str('', 'v1.IPFamily'), { description: 'IPFamilies is a list of IP families (e.g. IPv4, IPv6) assigned to this service.', listType: 'atomic' }),
      ipFamilyPolicy: enumOf(['PreferDualStack', 'RequireDualStack', 'SingleStack'], 'IPFamilyPolicy represents the dual-stack-ness requested or required by this Service.', 'v1.IPFamilyPolicy'),
      allocateLoadBalancerNodePorts: bool('allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer.'),
      loadBalancerClass: str('loadBalancerClass is the class of the load balancer implementation this Service belongs to.'),
      internalTrafficPolicy: enumOf(['Cluster', 'Local'], 'InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP.', 'v1.ServiceInternalTrafficPolicy'),
      trafficDistribution: str('TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints.'),
    },
    'ServiceSpec describes the attributes that a user creates on a service.',
  ),
  [c('ServicePort')]: obj(
    {
      name: str('The name of this port within the service. This must be a DNS_LABEL.'),
      protocol: protocol('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.'),
      appProtocol: str('The application protocol for this port.'),
      port: int32('The port that will be exposed by this service.'),
      targetPort: intOrString('Number or name of the port to access on the pods targeted by the service.'),
      nodePort: int32('The port on each node on which this service is exposed when type is NodePort or LoadBalancer.'),
    },
    { description: "ServicePort contains information on service's port.", required: ['port'] },
  ),
  [c('SessionAffinityConfig')]: obj(
    { clientIP: ref(c('ClientIPConfig'), 'clientIP contains the configurations of Client IP based session affinity.') },
    'SessionAffinityConfig represents the configurations of session affinity.',
  ),
  [c('ClientIPConfig')]: obj(
    { timeoutSeconds: int32('timeoutSeconds specifies the seconds of ClientIP type session sticky time.') },
    'ClientIPConfig represents the configurations of Client IP based session affinity.',
  ),
  [c('ServiceStatus')]: obj(
    {
      loadBalancer: ref(c('LoadBalancerStatus'), 'LoadBalancer contains the current status of the load-balancer, if one is present.'),
      conditions: list(ref(`${META}Condition`), { description: 'Current service state', ...conditionsByType }),
    },
    'ServiceStatus represents the current status of a service.',
  ),
  [c('LoadBalancerStatus')]: obj(
    { ingress: list(ref(c('LoadBalancerIngress')), { description: 'Ingress is a list containing ingress points for the load-balancer.', listType: 'atomic' }) },
    'LoadBalancerStatus represents the status of a load-balancer.',
  ),
  [c('LoadBalancerIngress')]: obj(
    {
      ip: str('IP is set for load-balancer ingress points that are IP based.'),
      hostname: str('Hostname is set for load-balancer ingress points that are DNS based.'),
      ipMode: str('IPMode specifies how the load-balancer IP behaves: VIP or Proxy.'),
      ports: list(ref(c('PortStatus')), { description: 'Ports is a list of records of service ports.', listType: 'atomic' }),
    },
    'LoadBalancerIngress represents the status of a load-balancer ingress point.',
  ),
  [c('PortStatus')]: obj(
    {
      port: int32('Port is the port number of the service port of which status is recorded here'),
      protocol: protocol(),
      error: str('Error is to record the problem with the service port.'),
    },
    { description: 'PortStatus represents the error condition of a service port', required: ['port', 'protocol'] },
  ),

  // ---- Endpoints ----
  [c('Endpoints')]: kind(core('Endpoints'), 'Endpoints is a collection of endpoints that implement the actual service.', {
    subsets: list(ref(c('EndpointSubset')), { description: 'The set of all endpoints is the union of all subsets.', listType: 'atomic' }),
  }),
  [c('EndpointsList')]: listKind(core('EndpointsList'), c('Endpoints'), 'EndpointsList is a list of endpoints.'),
  [c('EndpointSubset')]: obj(
    {
      addresses: list(ref(c('EndpointAddress')), { description: 'IP addresses which offer the related ports that are marked as ready.', listType: 'atomic' }),
      notReadyAddresses: list(ref(c('EndpointAddress')), { description: 'IP addresses which offer the related ports but are not currently marked as ready.', listType: 'atomic' }),
      ports: list(ref(c('EndpointPort')), { description: 'Port numbers available on the related IP addresses.', listType: 'atomic' }),
    },
    'EndpointSubset is a group of addresses with a common set of ports.',
  ),
  [c('EndpointAddress')]: obj(
    {
      ip: str('The IP of this endpoint.'),
      hostname: str('The Hostname of this endpoint'),
      nodeName: str('Optional: Node hosting this endpoint.'),
      targetRef: ref(c('ObjectReference'), 'Reference to object providing the endpoint.'),
    },
    { description: 'EndpointAddress is a tuple that describes single IP address.', required: ['ip'], mapType: 'atomic' },
  ),
  [c('EndpointPort')]: obj(
    {
      name: str('The name of this port. This must match the \'name\' field in the corresponding ServicePort.'),
      port: int32('The port number of the endpoint.'),
      protocol: protocol(),
      appProtocol: str('The application protocol for this port.'),
    },
    { description: 'EndpointPort is a tuple that describes a single port.', required: ['port'], mapType: 'atomic' },
  ),

  // ---- Node ----
  [c('Node')]: kind(core('Node'), 'Node is a worker node in Kubernetes.', {
    spec: ref(c('NodeSpec'), 'Spec defines the behavior of a node.'),
    status: ref(c('NodeStatus'), 'Most recently observed status of the node.'),
  }),
  [c('NodeList')]: listKind(core('NodeList'), c('Node'), 'NodeList is the whole list of all Nodes which have been registered with master.'),
  [c('NodeSpec')]: obj(
    {
      podCIDR: str('PodCIDR represents the pod IP range assigned to the node.'),
      podCIDRs: list(str(), { description: 'podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node.', strategy: 'merge', listType: 'set' }),
      providerID: str('ID of the node assigned by the cloud provider.'),
      unschedulable: bool('Unschedulable controls node schedulability of new pods. By default, node is schedulable.'),
      taints: list(ref(c('Taint')), { description: "If specified, the node's taints.", listType: 'atomic' }),
      configSource: ref(c('NodeConfigSource'), 'Deprecated: Previously used to specify the source of the node\'s configuration.'),
      externalID: str('Deprecated. Not all kubelets will set this field.'),
    },
    'NodeSpec describes the attributes that a node is created with.',
  ),
  [c('NodeConfigSource')]: obj(
    { configMap: ref(c('ConfigMapNodeConfigSource'), 'ConfigMap is a reference to a Node\'s ConfigMap') },
    'NodeConfigSource specifies a source of node configuration.',
  ),
  [c('ConfigMapNodeConfigSource')]: obj(
    {
      namespace: str('Namespace is the metadata.namespace of the referenced ConfigMap.'),
      name: str('Name is the metadata.name of the referenced ConfigMap.'),
      uid: str('UID is the metadata.UID of the referenced ConfigMap.'),
      resourceVersion: str('ResourceVersion is the metadata.ResourceVersion of the referenced ConfigMap.'),
      kubeletConfigKey: str('KubeletConfigKey declares which key of the referenced ConfigMap corresponds to the KubeletConfiguration structure'),
    },
    { description: 'ConfigMapNodeConfigSource contains the information to reference a ConfigMap as a config source for the Node.', required: ['namespace', 'name', 'kubeletConfigKey'] },
  ),
  [c('Taint')]: obj(
    {
      key: str('Required. The taint key to be applied to a node.'),
      value: str('The taint value corresponding to the taint key.'),
      effect: enumOf(['NoExecute', 'NoSchedule', 'PreferNoSchedule'], 'Required. The effect of the taint on pods that do not tolerate the taint.', 'v1.TaintEffect'),
      timeAdded: time('TimeAdded represents the time at which the taint was added.'),
    },
    { description: 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.', required: ['key', 'effect'] },
  ),
  [c('NodeStatus')]: obj(
    {
      capacity: resourceList('Capacity represents the total resources of a node.'),
      allocatable: resourceList('Allocatable represents the resources of a node that are available for scheduling.'),
      phase: str('NodePhase is the recently observed lifecycle phase of the node. Deprecated.', 'v1.NodePhase'),
      conditions: list(ref(c('NodeCondition')), { description: 'Conditions is an array of current observed node conditions.', ...conditionsByType }),
      addresses: list(ref(c('NodeAddress')), { description: 'List of addresses reachable to the node.', ...conditionsByType }),
      daemonEndpoints: ref(c('NodeDaemonEndpoints'), 'Endpoints of daemons running on the Node.'),
      nodeInfo: ref(c('NodeSystemInfo'), 'Set of ids/uuids to uniquely identify the node.'),
      images: list(ref(c('ContainerImage')), { description: 'List of container images on this node', listType: 'atomic' }),
      volumesInUse: list(str(), { description: 'List of attachable volumes in use (mounted) by the node.', listType: 'atomic' }),
      volumesAttached: list(ref(c('AttachedVolume')), { description: 'List of volumes that are attached to the node.', listType: 'atomic' }),
      config: ref(c('NodeConfigStatus'), 'Status of the config assigned to the node via the dynamic Kubelet config feature.'),
      runtimeHandlers: list(ref(c('NodeRuntimeHandler')), { description: 'The available runtime handlers.', listType: 'atomic' }),
      features: ref(c('NodeFeatures'), 'Features describes the set of features implemented by the CRI implementation.'),
    },
    'NodeStatus is information about the current status of a node.',
  ),
  [c('NodeCondition')]: obj(
    {
      type: str('Type of node condition.', 'v1.NodeConditionType'),
      status: enumOf(['False', 'True', 'Unknown'], 'Status of the condition, one of True, False, Unknown.', 'v1.ConditionStatus'),
      lastHeartbeatTime: time('Last time we got an update on a given condition.'),
      lastTransitionTime: time('Last time the condition transit from one status to another.'),
      reason: str("(brief) reason for the condition's last transition."),
      message: str('Human readable message indicating details about last transition.'),
    },
    { description: 'NodeCondition contains condition information for a node.', required: ['type', 'status'] },
  ),
  [c('NodeAddress')]: obj(
    {
      type: str('Node address type, one of Hostname, ExternalIP or InternalIP.', 'v1.NodeAddressType'),
      address: str('The node address.'),
    },
    { description: "NodeAddress contains information for the node's address.", required: ['type', 'address'] },
  ),
  [c('NodeDaemonEndpoints')]: obj(
    { kubeletEndpoint: ref(c('DaemonEndpoint'), 'Endpoint on which Kubelet is listening.') },
    'NodeDaemonEndpoints lists ports opened by daemons running on the Node.',
  ),
  [c('DaemonEndpoint')]: obj({ Port: int32('Port number of the given endpoint.') }, { description: 'DaemonEndpoint contains information about a single Daemon endpoint.', required: ['Port'] }),
  [c('NodeSystemInfo')]: obj(
    {
      machineID: str('MachineID reported by the node.'),
      systemUUID: str('SystemUUID reported by the node.'),
      bootID: str('Boot ID reported by the node.'),
      kernelVersion: str("Kernel Version reported by the node from 'uname -r'."),
      osImage: str('OS Image reported by the node from /etc/os-release.'),
      containerRuntimeVersion: str('ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
      kubeletVersion: str('Kubelet Version reported by the node.'),
      kubeProxyVersion: str('Deprecated: KubeProxy Version reported by the node.'),
      operatingSystem: str('The Operating System reported by the node'),
      architecture: str('The Architecture reported by the node'),
      swap: ref(c('NodeSwapStatus'), 'Swap Info reported by the node.'),
    },
    {
      description: 'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.',
      required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'],
    },
  ),
  [c('NodeSwapStatus')]: obj({ capacity: int64('Total amount of swap memory in bytes.') }, 'NodeSwapStatus represents swap memory information.'),
  [c('ContainerImage')]: obj(
    {
      names: list(str(), { description: 'Names by which this image is known.', listType: 'atomic' }),
      sizeBytes: int64('The size of the image in bytes.'),
    },
    'Describe a container image',
  ),
  [c('AttachedVolume')]: obj(
    { name: str('Name of the attached volume', 'v1.UniqueVolumeName'), devicePath: str('DevicePath represents the device path where the volume should be available') },
    { description: 'AttachedVolume describes a volume attached to a node', required: ['name', 'devicePath'] },
  ),
  [c('NodeConfigStatus')]: obj(
    {
      assigned: ref(c('NodeConfigSource'), 'Assigned reports the checkpointed config the node will try to use.'),
      active: ref(c('NodeConfigSource'), 'Active reports the checkpointed config the node is actively using.'),
      lastKnownGood: ref(c('NodeConfigSource'), 'LastKnownGood reports the checkpointed config the node will fall back to when it encounters an error.'),
      error: str('Error describes any problems reconciling the Spec.ConfigSource to the Active config.'),
    },
    'NodeConfigStatus describes the status of the config assigned by Node.Spec.ConfigSource.',
  ),
  [c('NodeRuntimeHandler')]: obj(
    { name: str('Runtime handler name. Empty for the default runtime handler.'), features: ref(c('NodeRuntimeHandlerFeatures'), 'Supported features.') },
    'NodeRuntimeHandler is a set of runtime handler information.',
  ),
  [c('NodeRuntimeHandlerFeatures')]: obj(
    {
      recursiveReadOnlyMounts: bool('RecursiveReadOnlyMounts is set to true if the runtime handler supports RecursiveReadOnlyMounts.'),
      userNamespaces: bool('UserNamespaces is set to true if the runtime handler supports UserNamespaces, including for volumes.'),
    },
    'NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler.',
  ),
  [c('NodeFeatures')]: obj(
    { supplementalGroupsPolicy: bool('SupplementalGroupsPolicy is set to true if the runtime supports SupplementalGroupsPolicy and ContainerUser.') },
    'NodeFeatures describes the set of features implemented by the CRI implementation.',
  ),

  // ---- Namespace ----
  [c('Namespace')]: kind(core('Namespace'), 'Namespace provides a scope for Names. Use of multiple namespaces is optional.', {
    spec: ref(c('NamespaceSpec'), 'Spec defines the behavior of the Namespace.'),
    status: ref(c('NamespaceStatus'), 'Status describes the current status of a Namespace.'),
  }),
  [c('NamespaceList')]: listKind(core('NamespaceList'), c('Namespace'), 'NamespaceList is a list of Namespaces.'),
  [c('NamespaceSpec')]: obj(
    { finalizers: list(str('', 'v1.FinalizerName'), { description: 'Finalizers is an opaque list of values that must be empty to permanently remove object from storage.', listType: 'atomic' }) },
    'NamespaceSpec describes the attributes on a Namespace.',
  ),
  [c('NamespaceStatus')]: obj(
    {
      phase: enumOf(['Active', 'Terminating'], 'Phase is the current lifecycle phase of the namespace.', 'v1.NamespacePhase'),
      conditions: list(ref(c('NamespaceCondition')), { description: "Represents the latest available observations of a namespace's current state.", ...conditionsByType }),
    },
    'NamespaceStatus is information about the current status of a Namespace.',
  ),
  [c('NamespaceCondition')]: obj(
    {
      type: str('Type of namespace controller condition.', 'v1.NamespaceConditionType'),
      status: enumOf(['False', 'True', 'Unknown'], 'Status of the condition, one of True, False, Unknown.', 'v1.ConditionStatus'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      reason: str('Unique, one-word, CamelCase reason for the condition\'s last transition.'),
      message: str('Human-readable message indicating details about last transition.'),
    },
    { description: 'NamespaceCondition contains details about state of namespace.', required: ['type', 'status'] },
  ),

  // ---- ServiceAccount, Secret, ConfigMap ----
  [c('ServiceAccount')]: kind(core('ServiceAccount'), 'ServiceAccount binds together: a name, a principal that can be authenticated and authorized, and a set of secrets.', {
    secrets: list(ref(c('ObjectReference')), {
      description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      strategy: 'merge',
      mergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
    }),
    imagePullSecrets: list(ref(c('LocalObjectReference')), { description: 'ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount.', listType: 'atomic' }),
    automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted.'),
  }),
  [c('ServiceAccountList')]: listKind(core('ServiceAccountList'), c('ServiceAccount'), 'ServiceAccountList is a list of ServiceAccount objects'),
  [c('Secret')]: kind(core('Secret'), 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
    immutable: bool('Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).'),
    data: map(bytes(), 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Values are base64 encoded.'),
    stringData: map(str(), 'stringData allows specifying non-binary secret data in string form. It is merged into the data field on write.'),
    type: str('Used to facilitate programmatic handling of secret data.', 'v1.SecretType'),
  }),
  [c('SecretList')]: listKind(core('SecretList'), c('Secret'), 'SecretList is a list of Secret.'),
  [c('ConfigMap')]: kind(core('ConfigMap'), 'ConfigMap holds configuration data for pods to consume.', {
    immutable: bool('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified).'),
    data: map(str(), 'Data contains the configuration data.'),
    binaryData: map(bytes(), 'BinaryData contains the binary data (base64 encoded).'),
  }),
  [c('ConfigMapList')]: listKind(core('ConfigMapList'), c('ConfigMap'), 'ConfigMapList is a resource containing a list of ConfigMap objects.'),

  // ---- Event ----
  [c('Event')]: kind(
    core('Event'),
    'Event is a report of an event somewhere in the cluster.',
    {
      involvedObject: ref(c('ObjectReference'), 'The object that this event is about.'),
      reason: str('This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      message: str('A human-readable description of the status of this operation.'),
      source: ref(c('EventSource'), 'The component reporting this event. Should be a short machine understandable string.'),
      firstTimestamp: time('The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
      lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
      count: int32('The number of times this event has occurred.'),
      type: str('Type of this event (Normal, Warning), new types could be added in the future'),
      eventTime: microTime('Time when this Event was first observed.'),
      series: ref(c('EventSeries'), 'Data about the Event series this event represents or nil if it\'s a singleton Event.'),
      action: str('What action was taken/failed regarding to the Regarding object.'),
      related: ref(c('ObjectReference'), 'Optional secondary object for more complex actions.'),
      reportingComponent: str('Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.'),
      reportingInstance: str('ID of the controller instance, e.g. `kubelet-xyzf`.'),
    },
    { required: ['metadata', 'involvedObject'] },
  ),
  [c('EventList')]: listKind(core('EventList'), c('Event'), 'EventList is a list of events.'),
  [c('EventSource')]: obj(
    { component: str('Component from which the event is generated.'), host: str('Node name on which the event is generated.') },
    'EventSource contains information for an event.',
  ),
  [c('EventSeries')]: obj(
    {
      count: int32('Number of occurrences in this series up to the last heartbeat time'),
      lastObservedTime: microTime('Time of the last occurrence observed'),
    },
    'EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.',
  ),

  // ---- Binding ----
  [c('Binding')]: kind(
    core('Binding'),
    'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.',
    { target: ref(c('ObjectReference'), 'The target object that you want to bind to the standard object.') },
    { required: ['target'] },
  ),
};
