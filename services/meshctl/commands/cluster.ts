// meshctl cluster up|down|status|logs|kubeconfig|exec|configure-host: the one-machine cluster
// (each host a network namespace) and the per-host configuration Vagrant's provisioning shares.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEMO_MANIFEST, checkoutRoot } from '../../../lib/images/index.js';
import { buildImages } from '../image/index.js';
import { parseVerbArgs } from '../args.js';
import { boolFlag, intFlag, listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import { CommandContext } from '../command-context.js';
import { clusterDown } from '../cluster/cluster-down.js';
import type { ClusterPlan, ExtraArgs } from '../cluster/cluster-plan.js';
import {
  DEFAULT_CLUSTER_NAME,
  DEFAULT_DOCKER_HOST,
  DEFAULT_STATE_DIR,
  DEFAULT_SUBNET,
  clusterDir,
  findHost,
  parseHostList,
  planLocalCluster,
  validateClusterName,
} from '../cluster/cluster-plan.js';
import { clusterStatus } from '../cluster/cluster-status.js';
import { clusterUp } from '../cluster/cluster-up.js';
import { adminKubeconfigPath, configureHost, ensureClusterPki, savedPlan, writeClusterFile } from '../cluster/host-config.js';
import { componentLog, supervisorLog } from '../cluster/host-processes.js';
import { CliError } from '../errors.js';
import { parseGoDuration } from '../go-duration.js';
import { sleep } from '../wait/sleep.js';
import { applyCommand } from './apply.js';
import { waitCommand } from './wait.js';

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'Bring up, inspect and tear down a local cluster (each host a network namespace)',
  help: `Bring up, inspect and tear down a cluster on this machine, each host a network namespace on a bridge.

Usage:
  meshctl cluster up [--name local] [--control-planes 3] [--workers 3] [--state-dir /var/lib/meshctl] [--demo]
  meshctl cluster down [--name local]
  meshctl cluster status [--name local]
  meshctl cluster logs HOST COMPONENT [-f]          (COMPONENT: store, api, sched, node-agent or supervisor)
  meshctl cluster kubeconfig [--name local]
  meshctl cluster exec HOST -- COMMAND [ARGS...]    (runs in the host, as vagrant ssh HOST -c would)
  meshctl cluster configure-host --host H --hosts cp1=IP,cp2=IP,cp3=IP,w1=IP,...   (Vagrant provisioning)

Hosts are cp1..cpN (store member, API server; cp1 and cp2 also the scheduler and controllers) at
.11 and up of the host network, and w1..wN (node agent) at .21 and up.

Options:
      --name='local': The cluster's name (its state folder, bridge br-NAME, namespaces NAME-HOST).
      --control-planes=3: Control-plane hosts (odd).
      --workers=3: Worker hosts.
      --state-dir='/var/lib/meshctl': Where clusters keep their state, one folder per name.
      --demo=false: (up) Build and deploy the demo app (frontend -> backend v1/v2).
      --subnet='10.10.0.0/24': (up) The host network.
      --docker-host='unix:///var/run/docker.sock': Docker's socket; up starts dockerd there if none answers.
      --timeout=3m: (up) How long to wait for every component and node.
      --store-arg=[], --api-arg=[], --sched-arg=[], --agent-arg=[]: (up) Extra flags for every
          store member, API server, scheduler or node agent, e.g. --sched-arg=--node-monitor-grace-period=10s
  -f, --follow=false: (logs) Keep printing new lines.
      --host='', --hosts='': (configure-host) This host and every host of the cluster.
`,
  flags: {
    name: { type: 'string' },
    'control-planes': { type: 'string' },
    workers: { type: 'string' },
    'state-dir': { type: 'string' },
    demo: { type: 'boolean' },
    subnet: { type: 'string' },
    'docker-host': { type: 'string' },
    timeout: { type: 'string' },
    'store-arg': { type: 'string', multiple: true },
    'api-arg': { type: 'string', multiple: true },
    'sched-arg': { type: 'string', multiple: true },
    'agent-arg': { type: 'string', multiple: true },
    follow: { type: 'boolean', short: 'f' },
    host: { type: 'string' },
    hosts: { type: 'string' },
  },
  run: async (ctx) => {
    const [sub, ...args] = ctx.positionals;
    switch (sub) {
      case 'up':
        return await up(ctx);
      case 'down':
        return await down(ctx);
      case 'status':
        await clusterStatus(await existingPlan(ctx), (t) => ctx.out(t));
        return 0;
      case 'logs':
        return await logs(ctx, args);
      case 'kubeconfig':
        ctx.out(`${adminKubeconfigPath(await existingPlan(ctx))}\n`);
        return 0;
      case 'exec':
        return await exec(ctx, args);
      case 'configure-host':
        return await configure(ctx);
      case undefined:
        throw new CliError(`must specify a subcommand: up, down, status, logs, kubeconfig, exec or configure-host\nSee 'meshctl cluster --help' for usage.`);
      default:
        throw new CliError(`unknown command "${sub}" for "meshctl cluster"\nRun 'meshctl cluster --help' for usage.`);
    }
  },
};

function names(ctx: CommandContext): { name: string; stateDir: string } {
  const name = stringFlag(ctx.flags, 'name') ?? DEFAULT_CLUSTER_NAME;
  validateClusterName(name);
  return { name, stateDir: path.resolve(ctx.io.cwd, stringFlag(ctx.flags, 'state-dir') ?? DEFAULT_STATE_DIR) };
}

/** The cluster --name and --state-dir select, as its `cluster up` saved it. */
export async function existingPlan(ctx: CommandContext): Promise<ClusterPlan> {
  const { name, stateDir } = names(ctx);
  const plan = await savedPlan(stateDir, name);
  if (!plan) throw new CliError(`cluster "${name}" does not exist in ${stateDir} (meshctl cluster up${name === DEFAULT_CLUSTER_NAME ? '' : ` --name ${name}`})`);
  return plan;
}

function extraArgs(ctx: CommandContext): ExtraArgs {
  const get = (flag: string): string[] => {
    const v = listFlag(ctx.flags, flag);
    for (const a of v) if (/[\s'"\\$`]/.test(a)) throw new CliError(`--${flag} "${a}": one flag per --${flag}, without spaces or quotes`);
    return v;
  };
  return { store: get('store-arg'), api: get('api-arg'), sched: get('sched-arg'), agent: get('agent-arg') };
}

async function up(ctx: CommandContext): Promise<number> {
  const { name, stateDir } = names(ctx);
  const plan = planLocalCluster({
    name,
    stateDir,
    controlPlanes: intFlag(ctx.flags, 'control-planes', 3),
    workers: intFlag(ctx.flags, 'workers', 3),
    subnet: stringFlag(ctx.flags, 'subnet') ?? DEFAULT_SUBNET,
    dockerHost: stringFlag(ctx.flags, 'docker-host') ?? DEFAULT_DOCKER_HOST,
    home: checkoutRoot(),
    extraArgs: extraArgs(ctx),
  });
  const timeout = stringFlag(ctx.flags, 'timeout');
  const demo = boolFlag(ctx.flags, 'demo');
  const say = (line: string): void => ctx.out(`${line}\n`);
  await clusterUp({
    plan,
    demo,
    timeoutMs: timeout === undefined ? 180_000 : parseGoDuration(timeout, 'timeout'),
    say,
    buildImages: async (docker, o) => {
      o.say('==> images');
      // The demo images are small and the demo is what users try first, so they are always built.
      await buildImages(docker, { log: o.say, root: plan.home });
    },
    applyDemo: async (kubeconfig) => {
      const manifest = path.join(plan.home, DEMO_MANIFEST);
      const code = await runVerb(ctx, applyCommand, ['-f', manifest, '--kubeconfig', kubeconfig]);
      if (code !== 0) throw new CliError(`applying ${manifest} failed`);
      const waited = await runVerb(ctx, waitCommand, ['--for=condition=Available', 'deployment', '--all', '--timeout=180s', '--kubeconfig', kubeconfig, '-n', 'default']);
      if (waited !== 0) throw new CliError('the demo deployments did not become Available; see meshctl cluster status and kubectl get pods -o wide');
    },
  });
  return 0;
}

/** Runs another meshctl verb in-process with the same io. */
async function runVerb(ctx: CommandContext, cmd: Command, argv: string[]): Promise<number> {
  const parsed = parseVerbArgs(cmd.name, argv, cmd.flags);
  const sub = new CommandContext(ctx.io, parsed.flags, parsed.positionals);
  try {
    return await cmd.run(sub);
  } finally {
    await sub.close();
  }
}

async function down(ctx: CommandContext): Promise<number> {
  const { name, stateDir } = names(ctx);
  const plan = await savedPlan(stateDir, name);
  if (!plan) {
    ctx.out(`cluster "${name}" does not exist in ${stateDir}; nothing to do\n`);
    return 0;
  }
  await clusterDown(plan, (line) => ctx.out(`${line}\n`));
  return 0;
}

const COMPONENTS = ['store', 'api', 'sched', 'node-agent', 'supervisor'];

async function logs(ctx: CommandContext, args: string[]): Promise<number> {
  const [host, component] = args;
  if (host === undefined || component === undefined) throw new CliError('usage: meshctl cluster logs HOST COMPONENT [-f]');
  const plan = await existingPlan(ctx);
  const h = findHost(plan, host);
  if (!COMPONENTS.includes(component)) throw new CliError(`unknown component "${component}": one of ${COMPONENTS.join(', ')}`);
  if (component !== 'supervisor' && !h.roles.includes(component as (typeof h.roles)[number])) {
    throw new CliError(`host ${host} does not run ${component} (it runs ${h.roles.join(', ')})`);
  }
  const file = component === 'supervisor' ? supervisorLog(plan, host) : componentLog(plan, host, component);
  if (!existsSync(file)) throw new CliError(`${file} does not exist yet`);
  let offset = await copyFrom(ctx, file, 0);
  if (!boolFlag(ctx.flags, 'follow')) return 0;
  const signal = ctx.io.signal;
  while (signal?.aborted !== true) {
    await sleep(250, signal);
    const size = statSync(file).size;
    if (size < offset) offset = 0; // truncated or replaced
    if (size > offset) offset = await copyFrom(ctx, file, offset);
  }
  return 0;
}

function copyFrom(ctx: CommandContext, file: string, start: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let pos = start;
    const s = createReadStream(file, { start });
    s.on('data', (c) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      pos += b.length;
      ctx.io.stdout.write(b.toString('utf8'));
    });
    s.on('end', () => resolve(pos));
    s.on('error', reject);
  });
}

async function exec(ctx: CommandContext, args: string[]): Promise<number> {
  const [host, ...command] = args;
  if (host === undefined || command.length === 0) throw new CliError('usage: meshctl cluster exec HOST -- COMMAND [ARGS...]');
  const plan = await existingPlan(ctx);
  findHost(plan, host);
  const child = spawn('ip', ['netns', 'exec', `${plan.name}-${host}`, ...command], { stdio: ['inherit', 'pipe', 'pipe'] });
  child.stdout.on('data', (c: Buffer) => ctx.io.stdout.write(c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => ctx.io.stderr.write(c.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
  });
}

async function configure(ctx: CommandContext): Promise<number> {
  const { name, stateDir } = names(ctx);
  const host = stringFlag(ctx.flags, 'host');
  const hostsText = stringFlag(ctx.flags, 'hosts');
  if (host === undefined || hostsText === undefined) throw new CliError('configure-host needs --host and --hosts (cp1=IP,cp2=IP,cp3=IP,w1=IP,...)');
  const plan: ClusterPlan = {
    name,
    stateDir,
    hosts: parseHostList(hostsText),
    dockerHost: stringFlag(ctx.flags, 'docker-host') ?? DEFAULT_DOCKER_HOST,
    home: checkoutRoot(),
    extraArgs: extraArgs(ctx),
  };
  const h = findHost(plan, host);
  await ensureClusterPki(plan);
  await configureHost(plan, h);
  await writeClusterFile(plan);
  ctx.out(`configured ${host} (${h.ip}: ${h.roles.join(', ')}) in ${path.join(clusterDir(plan), 'hosts', host)}\n`);
  return 0;
}
