// meshctl get: tables from the server (-o wide for more columns), -o json|yaml|name, -w.
import { boolFlag, listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors } from '../errors.js';
import { fetchObjects } from '../get/get-objects.js';
import type { GetRequest } from '../get/get-request.js';
import { requestsFor, requestsForInfos, severalKinds } from '../get/get-request.js';
import { printTables } from '../get/get-tables.js';
import { watchObjects, watchTables } from '../get/get-watch.js';
import type { ObjectFormat } from '../output/object-printer.js';
import { formatObjects, withoutManagedFields } from '../output/object-printer.js';
import { TableOutput } from '../output/table-output.js';
import { readManifests } from '../resources/manifests.js';
import { parseResourceArgs } from '../resources/resource-args.js';
import { manifestInfos, usable } from '../resources/resource-info.js';

const FORMATS = ['', 'wide', 'json', 'yaml', 'name'];

export const getCommand: Command = {
  name: 'get',
  summary: 'Display one or many resources',
  help: `Display one or many resources.

Usage:
  meshctl get [(-o|--output=)json|yaml|name|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]

Examples:
  meshctl get pods -A
  meshctl get deploy,svc -n demo -o wide
  meshctl get deployment web -o yaml
  meshctl get pods -l app=web -w

Options:
  -A, --all-namespaces=false: List across all namespaces.
      --field-selector='': Selector (field query) to filter on.
  -f, --filename=[]: Files, directories or - identifying the resources.
      --ignore-not-found=false: Do not report NotFound for named objects.
  -l, --selector='': Selector (label query) to filter on.
      --no-headers=false: Do not print headers.
  -o, --output='': One of: json, yaml, name, wide.
      --output-watch-events=false: Print the watch event type with each object.
  -R, --recursive=false: Read directories given with -f recursively.
      --show-kind=false: Print the kind with each name.
      --show-labels=false: Print the labels as the last column.
      --show-managed-fields=false: Keep metadata.managedFields in json and yaml output.
  -w, --watch=false: After listing, watch for changes.
      --watch-only=false: Watch for changes without listing first.
`,
  flags: {
    output: { type: 'string', short: 'o' },
    watch: { type: 'boolean', short: 'w' },
    'watch-only': { type: 'boolean' },
    'output-watch-events': { type: 'boolean' },
    selector: { type: 'string', short: 'l' },
    'field-selector': { type: 'string' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    'show-labels': { type: 'boolean' },
    'show-kind': { type: 'boolean' },
    'no-headers': { type: 'boolean' },
    'ignore-not-found': { type: 'boolean' },
    'show-managed-fields': { type: 'boolean' },
    filename: { type: 'string', short: 'f', multiple: true },
    recursive: { type: 'boolean', short: 'R' },
  },
  run: runGet,
};

async function runGet(ctx: CommandContext): Promise<number> {
  const { flags } = ctx;
  const output = stringFlag(flags, 'output') ?? '';
  if (!FORMATS.includes(output)) {
    throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,wide,yaml`);
  }
  const files = listFlag(flags, 'filename');
  if (ctx.positionals.length === 0 && files.length === 0) {
    ctx.err('You must specify the type of resource to get. Use "meshctl api-resources" for a complete list of supported resources.\n\n');
    throw new CliError(`Required resource not specified.\nUse "meshctl explain <resource>" for a detailed description of that resource (e.g. meshctl explain pods).\nSee 'meshctl get -h' for help and examples`);
  }
  const client = await ctx.client();
  const allNamespaces = boolFlag(flags, 'all-namespaces');
  const namespace = client.config.namespace;
  let requests: GetRequest[];
  let singleItem: boolean;
  const mappingErrors: unknown[] = [];
  if (files.length > 0) {
    const infos = await manifestInfos(client, await readManifests(ctx.io, files, boolFlag(flags, 'recursive')));
    requests = requestsForInfos(infos.filter((i) => usable(i, mappingErrors)));
    singleItem = infos.length === 1;
  } else {
    const targets = await parseResourceArgs(client, ctx.positionals, 'get');
    requests = requestsFor(targets, { namespace, allNamespaces });
    singleItem = requests.length === 1 && requests[0]?.name !== undefined;
  }
  const fetch = {
    labelSelector: stringFlag(flags, 'selector'),
    fieldSelector: stringFlag(flags, 'field-selector'),
    ignoreNotFound: boolFlag(flags, 'ignore-not-found'),
    signal: ctx.io.signal,
  };
  const tableOut = (): TableOutput =>
    new TableOutput((s) => ctx.out(s), {
      wide: output === 'wide',
      noHeaders: boolFlag(flags, 'no-headers'),
      allNamespaces,
      withKind: severalKinds(requests) || boolFlag(flags, 'show-kind'),
      showLabels: boolFlag(flags, 'show-labels'),
    });

  if (boolFlag(flags, 'watch') || boolFlag(flags, 'watch-only')) {
    const only = requests[0];
    if (requests.length !== 1 || only === undefined) {
      throw new CliError(`watch is only supported on individual resources and resource collections, but ${requests.length} resources were found`);
    }
    const w = { watchOnly: boolFlag(flags, 'watch-only'), outputWatchEvents: boolFlag(flags, 'output-watch-events'), ...fetch };
    if (output === '' || output === 'wide') await watchTables(client, only, tableOut(), w);
    else await watchObjects(client, only, output as ObjectFormat, (s) => ctx.out(s), { ...w, showManagedFields: boolFlag(flags, 'show-managed-fields') });
    return 0;
  }

  let errors: unknown[];
  let wroteSomething: boolean;
  if (requests.length === 0 && mappingErrors.length > 0) throw new MultipleErrors(mappingErrors);
  if (output === '' || output === 'wide') {
    const out = tableOut();
    errors = await printTables(client, requests, out, fetch);
    wroteSomething = out.written;
  } else {
    const got = await fetchObjects(client, requests, fetch);
    if (!boolFlag(flags, 'show-managed-fields')) got.objects = got.objects.map(withoutManagedFields);
    errors = got.errors;
    const nothingNamed = singleItem && got.objects.length === 0;
    if (!nothingNamed && (output !== 'name' || got.objects.length > 0)) ctx.out(formatObjects(got.objects, output as ObjectFormat, !singleItem || got.objects.length !== 1));
    wroteSomething = true;
  }
  if (!wroteSomething && errors.length === 0 && !fetch.ignoreNotFound) {
    const allNamespaced = !allNamespaces && requests.every((r) => r.resource.namespaced);
    ctx.err(allNamespaced ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
  }
  errors = [...mappingErrors, ...errors];
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}
