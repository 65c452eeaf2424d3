// meshctl annotate: add, change (--overwrite) or remove (key-) annotations.
import { CliError } from '../errors.js';
import type { Command } from '../command.js';
import { editFlags, runMetadataEdit } from '../metadata/metadata-edit.js';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

export const annotateCommand: Command = {
  name: 'annotate',
  summary: 'Update the annotations on a resource',
  help: `Update the annotations on a resource. An annotation is KEY=VALUE; KEY- removes it. An existing
annotation is only changed with --overwrite.

Usage:
  meshctl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]

Examples:
  meshctl annotate deploy web description='my frontend'
  meshctl annotate --overwrite deploy/web description='my backend'
  meshctl annotate deploy web description-

Options:
      --all=false: Every resource of the type in the namespace.
  -A, --all-namespaces=false: With -l or --all, across all namespaces.
  -f, --filename=[]: Files identifying the resources.
      --list=false: Print the annotations of the resources instead.
      --overwrite=false: Allow existing annotations to be changed.
      --resource-version='': Only update when the resource version matches.
  -l, --selector='': Selector (label query) to filter on.
`,
  flags: { ...editFlags },
  run: (ctx) =>
    runMetadataEdit(ctx, {
      field: 'annotations',
      kind: 'annotation',
      checkOverwrite(current, changes) {
        const clashes = changes.set
          .filter(([k, v]) => k !== CHANGE_CAUSE && current[k] !== undefined && current[k] !== v)
          .map(([k]) => `'${k}' already has a value (${current[k] ?? ''})`);
        if (clashes.length > 0) throw new CliError(`--overwrite is false but found the following declared annotation(s): ${clashes.join('; ')}`);
      },
      message: () => 'annotated',
    }),
};
