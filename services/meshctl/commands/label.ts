// meshctl label: add, change (--overwrite) or remove (key-) labels.
import { CliError } from '../errors.js';
import type { Command } from '../command.js';
import { editFlags, runMetadataEdit } from '../metadata/metadata-edit.js';

export const labelCommand: Command = {
  name: 'label',
  summary: 'Update the labels on a resource',
  help: `Update the labels on a resource. A label is KEY=VALUE; KEY- removes it. An existing label is only
changed with --overwrite.

Usage:
  meshctl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]

Examples:
  meshctl label deploy web tier=frontend
  meshctl label --overwrite pods -l app=web tier=backend
  meshctl label deploy/web tier-

Options:
      --all=false: Every resource of the type in the namespace.
  -A, --all-namespaces=false: With -l or --all, across all namespaces.
  -f, --filename=[]: Files identifying the resources.
      --list=false: Print the labels of the resources instead.
      --overwrite=false: Allow existing labels to be changed.
      --resource-version='': Only update when the resource version matches.
  -l, --selector='': Selector (label query) to filter on.
`,
  flags: { ...editFlags },
  run: (ctx) =>
    runMetadataEdit(ctx, {
      field: 'labels',
      kind: 'label',
      checkOverwrite(current, changes) {
        for (const [k, v] of changes.set) {
          const have = current[k];
          if (have !== undefined && have !== v) throw new CliError(`'${k}' already has a value (${have}), and --overwrite is false`);
        }
      },
      notices: (current, changes) => changes.remove.filter((k) => !(k in current)).map((k) => `label ${JSON.stringify(k)} not found.`),
      message(before, after, overwrite) {
        const a = JSON.stringify(before);
        const b = JSON.stringify(after);
        if (a === b) return 'not labeled';
        return !overwrite && b.length < a.length ? 'unlabeled' : 'labeled';
      },
    }),
};
