// describe namespace: metadata, phase, conditions, and quotas and limit ranges when the server
// serves them.
import { UnknownResourceError } from '../../../lib/api/kube-client/index.js';
import { isRecord } from '../../../lib/api/object.js';
import { rfc1123z } from '../output/human-time.js';
import { PrefixWriter } from '../output/prefix-writer.js';
import type { Describer, DescribeDeps } from './describe-deps.js';
import { printAnnotations, printLabels } from './metadata-lines.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** How many objects of a resource the namespace holds; undefined when the server lacks it. */
async function countIn(deps: DescribeDeps, resource: string, namespace: string): Promise<number | undefined> {
  try {
    const r = await deps.client.discovery.resolve(resource);
    return (await deps.client.list(r, { namespace })).items.length;
  } catch (err) {
    if (err instanceof UnknownResourceError) return undefined;
    throw err;
  }
}

export const describeNamespace: Describer = async (deps, ns) => {
  const status = isRecord(ns.status) ? ns.status : {};
  const name = ns.metadata.name ?? '';
  const quotas = await countIn(deps, 'resourcequotas', name);
  const limitRanges = await countIn(deps, 'limitranges', name);
  const w = new PrefixWriter();
  w.write(0, `Name:\t${name}\n`);
  printLabels(w, 'Labels', ns.metadata.labels);
  printAnnotations(w, 'Annotations', ns.metadata.annotations);
  w.write(0, `Status:\t${str(status.phase)}\n`);
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t------------------\t------\t-------\n');
    for (const c of conditions) w.write(1, `${str(c.type)}\t${str(c.status)}\t${rfc1123z(c.lastTransitionTime)}\t${str(c.reason)}\t${str(c.message)}\n`);
  }
  if (quotas !== undefined) w.write(0, quotas === 0 ? '\nNo resource quota.\n' : `\nResource Quotas: ${quotas}\n`);
  if (limitRanges !== undefined) w.write(0, limitRanges === 0 ? '\nNo LimitRange resource.\n' : `\nLimitRange resources: ${limitRanges}\n`);
  return w.toString();
};
