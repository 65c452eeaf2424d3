// describe configmap: the data, key by key, and events.
import { isRecord } from '../../../lib/api/object.js';
import { PrefixWriter } from '../output/prefix-writer.js';
import type { Describer } from './describe-deps.js';
import { describeEvents, searchEvents } from './events.js';
import { printAnnotations, printLabels } from './metadata-lines.js';

export const describeConfigMap: Describer = async (deps, cm) => {
  const events = deps.showEvents ? await searchEvents(deps.client, { name: cm.metadata.name ?? '', namespace: cm.metadata.namespace ?? '', kind: cm.kind, uid: cm.metadata.uid }) : undefined;
  const w = new PrefixWriter();
  w.write(0, `Name:\t${cm.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${cm.metadata.namespace ?? ''}\n`);
  printLabels(w, 'Labels', cm.metadata.labels);
  printAnnotations(w, 'Annotations', cm.metadata.annotations);
  w.write(0, '\nData\n====\n');
  const data = isRecord(cm.data) ? cm.data : {};
  for (const k of Object.keys(data).sort()) {
    w.write(0, `${k}:\n----\n`);
    w.write(0, `${String(data[k])}\n`);
    w.write(0, '\n');
  }
  w.write(0, '\nBinaryData\n====\n');
  const binary = isRecord(cm.binaryData) ? cm.binaryData : {};
  for (const k of Object.keys(binary).sort()) w.write(0, `${k}: ${Buffer.from(String(binary[k]), 'base64').length} bytes\n`);
  w.write(0, '\n');
  if (events) describeEvents(w, events, deps.now);
  return w.toString();
};
